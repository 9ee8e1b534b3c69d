// ansible.cfg and the ANSIBLE_* variables that match it, read as Ansible 2.14 reads them
// (config/manager.py): the first of $ANSIBLE_CONFIG, ./ansible.cfg (not in a world-writable
// directory), ~/.ansible.cfg, /etc/ansible/ansible.cfg; an environment variable beats the file,
// a command-line flag beats both. Path settings are relative to the file's directory. Settings
// tsplay has no use for are named once in a warning, never silently dropped.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import type { HostKeyPolicy } from '../connection/ssh/knownhosts.js';

export interface AnsibleSettings {
  /** the file read, if any */
  file?: string;
  inventory?: string[];
  forks?: number;
  remoteUser?: string;
  hostKeyChecking?: HostKeyPolicy;
  privateKeyFile?: string;
  /** seconds */
  timeout?: number;
  retryFiles?: boolean;
  /** [ssh_connection] ssh_args (Ansible's ansible_ssh_args) */
  sshArgs?: string;
  /** [defaults] nocolor / ANSIBLE_NOCOLOR */
  noColor?: boolean;
  /** what was read but is not used, and notes (pipelining), as warnings */
  warnings: string[];
}

type Kind = 'pathlist' | 'int' | 'string' | 'bool' | 'path' | 'float';
interface Setting {
  section: string;
  key: string;
  env: string;
  kind: Kind;
  apply(s: AnsibleSettings, v: unknown): void;
}

const SETTINGS: Setting[] = [
  { section: 'defaults', key: 'inventory', env: 'ANSIBLE_INVENTORY', kind: 'pathlist', apply: (s, v) => (s.inventory = v as string[]) },
  { section: 'defaults', key: 'forks', env: 'ANSIBLE_FORKS', kind: 'int', apply: (s, v) => (s.forks = v as number) },
  { section: 'defaults', key: 'remote_user', env: 'ANSIBLE_REMOTE_USER', kind: 'string', apply: (s, v) => (s.remoteUser = v as string) },
  // Ansible's False is no checking at all; its True is tsplay's strict
  { section: 'defaults', key: 'host_key_checking', env: 'ANSIBLE_HOST_KEY_CHECKING', kind: 'bool', apply: (s, v) => (s.hostKeyChecking = v ? 'strict' : 'off') },
  { section: 'defaults', key: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'path', apply: (s, v) => (s.privateKeyFile = v as string) },
  { section: 'defaults', key: 'timeout', env: 'ANSIBLE_TIMEOUT', kind: 'float', apply: (s, v) => (s.timeout = v as number) },
  { section: 'defaults', key: 'retry_files_enabled', env: 'ANSIBLE_RETRY_FILES_ENABLED', kind: 'bool', apply: (s, v) => (s.retryFiles = v as boolean) },
  { section: 'defaults', key: 'nocolor', env: 'ANSIBLE_NOCOLOR', kind: 'bool', apply: (s, v) => (s.noColor = v as boolean) },
  { section: 'ssh_connection', key: 'ssh_args', env: 'ANSIBLE_SSH_ARGS', kind: 'string', apply: (s, v) => (s.sshArgs = v as string) },
  {
    section: 'ssh_connection', key: 'pipelining', env: 'ANSIBLE_PIPELINING', kind: 'bool',
    apply: (s, v) => {
      if (v) s.warnings.push('pipelining is ignored: tsplay already sends each module in one round trip over one SSH connection per host');
    },
  },
];

/** ANSIBLE_* variables read elsewhere in tsplay (the vault's) or here (the config file's name). */
const OTHER_ENV = new Set(['ANSIBLE_CONFIG', 'ANSIBLE_VAULT_PASSWORD_FILE', 'ANSIBLE_VAULT_IDENTITY_LIST']);

/** Sections tsplay reads nothing from, not even unknown keys worth naming (plugins' own). */
const QUIET_SECTIONS = new Set(['colors', 'selinux', 'paramiko_connection', 'persistent_connection', 'galaxy', 'diff', 'callback_profile_tasks']);

/** Python configparser's sections, as Ansible reads them (`;` inline comments, continuation lines). */
export function parseIni(text: string, file: string): Map<string, Map<string, { value: string; line: number }>> {
  const out = new Map<string, Map<string, { value: string; line: number }>>();
  let section: Map<string, { value: string; line: number }> | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim() || /^\s*[#;]/.test(raw)) return;
    if (/^\s/.test(raw) && last) {
      last.value += `\n${raw.trim()}`;
      return;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (sec) {
      section = out.get(sec[1]) ?? new Map();
      out.set(sec[1], section);
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) throw new UserError(`${file}:${line}: not a "key = value" line or a [section] header: '${raw.trim()}'`);
    if (!section) throw new UserError(`${file}:${line}: '${kv[1]}' comes before any [section] header; put it under [defaults]`);
    last = { value: kv[2].replace(/\s+;.*$/, '').trim(), line };
    section.set(kv[1].toLowerCase(), last);
  });
  return out;
}

/** Which ansible.cfg Ansible would read, and warnings about one it skipped. */
export function findConfig(cwd: string, env: NodeJS.ProcessEnv): { file?: string; warnings: string[] } {
  const warnings: string[] = [];
  const given = env.ANSIBLE_CONFIG;
  if (given) {
    const p = resolve(cwd, given.replace(/^~(?=\/|$)/, homedir()));
    const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'ansible.cfg') : p;
    if (existsSync(file)) return { file, warnings };
  }
  const local = join(cwd, 'ansible.cfg');
  if (existsSync(local)) {
    // Ansible's own guard: anyone could have put it there
    if (statSync(cwd).mode & 0o002) warnings.push(`Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`);
    else return { file: local, warnings };
  }
  for (const f of [join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg']) if (existsSync(f)) return { file: f, warnings };
  return { warnings };
}

function convert(kind: Kind, raw: string, where: string, base: string): unknown {
  const path = (p: string): string => {
    const t = p.trim().replace(/^~(?=\/|$)/, homedir());
    return isAbsolute(t) ? t : resolve(base, t);
  };
  switch (kind) {
    case 'string':
      return raw.replace(/^(['"])(.*)\1$/, '$2');
    case 'path':
      return path(raw);
    case 'pathlist':
      return raw.split(',').map((p) => p.trim()).filter(Boolean).map(path);
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new UserError(`${where}: '${raw}' is not a whole number >= 1`);
      return n;
    }
    case 'float': {
      const n = Number(raw);
      if (!(n > 0)) throw new UserError(`${where}: '${raw}' is not a number of seconds > 0`);
      return n;
    }
    case 'bool': {
      const b = raw.trim().toLowerCase();
      if (['y', 'yes', 'on', '1', 'true', 't'].includes(b)) return true;
      if (['n', 'no', 'off', '0', 'false', 'f'].includes(b)) return false;
      throw new UserError(`${where}: '${raw}' is not a boolean (true/false, yes/no, on/off, 1/0)`);
    }
  }
}

/** The settings in effect for a run started in `cwd` with `env`. */
export function loadAnsibleConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): AnsibleSettings {
  const found = findConfig(cwd, env);
  const s: AnsibleSettings = { file: found.file, warnings: [...found.warnings] };
  if (found.file) {
    let text: string;
    try {
      text = readFileSync(found.file, 'utf8');
    } catch (e) {
      throw new UserError(`${found.file}: cannot read the Ansible config: ${(e as Error).message}`);
    }
    const ini = parseIni(text, found.file);
    const unused: string[] = [];
    for (const [section, keys] of ini) {
      for (const [key, { value, line }] of keys) {
        const setting = SETTINGS.find((x) => x.section === section && x.key === key);
        // env wins over the file: the file's value is not even checked then
        if (setting && env[setting.env] === undefined) setting.apply(s, convert(setting.kind, value, `${found.file}:${line}: [${section}] ${key}`, dirname(found.file)));
        else if (!setting && !QUIET_SECTIONS.has(section)) unused.push(`[${section}] ${key}`);
      }
    }
    if (unused.length) s.warnings.push(`${found.file}: tsplay does not use these settings (ignored): ${unused.join(', ')}`);
  }
  for (const setting of SETTINGS) {
    const v = env[setting.env];
    if (v !== undefined && v !== '') setting.apply(s, convert(setting.kind, v, `environment variable ${setting.env}`, cwd));
  }
  const unusedEnv = Object.keys(env).filter((k) => k.startsWith('ANSIBLE_') && !OTHER_ENV.has(k) && !SETTINGS.some((x) => x.env === k)).sort();
  if (unusedEnv.length) s.warnings.push(`tsplay does not use these environment variables (ignored): ${unusedEnv.join(', ')}`);
  return s;
}
