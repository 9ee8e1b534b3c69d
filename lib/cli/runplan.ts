import { dirname, basename, extname, join } from 'node:path';
import { parseConnectionType, type ConnectionCliOptions } from '../connection/factory.js';
import type { HostKeyPolicy } from '../connection/ssh/knownhosts.js';
import type { RunOptions } from '../executor/context.js';
import type { ReporterOptions } from '../report/index.js';
import { parseExtraVars } from '../vars/extra.js';
import type { VaultKeyring } from '../vault/keyring.js';
import type { VaultOptionValues } from './vault-options.js';
import { CliError, list, parse, RUN_OPTIONS } from './args.js';
import type { AnsibleSettings } from './ansiblecfg.js';

// `tsplay run`'s command line turned into plain data, before anything is loaded or connected:
// every flag the parser accepts must change something here (test/cli/flags.test.ts walks them),
// so none can be accepted and then silently ignored.

export type RunAction = 'run' | 'syntax-check' | 'list-hosts' | 'list-tasks' | 'list-tags';

export interface RunPlan {
  /** the first playbook (retry file, messages) */
  playbook: string;
  /** every playbook given, run one after the other as one run with one recap, as ansible-playbook does */
  playbooks: string[];
  inventory: string[] | undefined;
  action: RunAction;
  /** RunOptions without the --step callback (made when the run starts) */
  opts: Omit<RunOptions, 'step'>;
  step: boolean;
  reporter: Omit<ReporterOptions, 'secrets'>;
  connections: ConnectionCliOptions;
  /** where vault passwords come from (the keyring is made from these before the plan) */
  vault: VaultOptionValues;
  /** -K / -k: passwords to ask for (without echo) before the run; --become-method */
  ask: { becomePass: boolean; sshPass: boolean };
  becomeMethod?: 'sudo';
  /** ansible.cfg's [ssh_connection] ssh_args / ANSIBLE_SSH_ARGS (given to hosts as ansible_ssh_args) */
  sshArgs?: string;
  /** Ansible's warnings about what was read (-e @file duplicate keys), shown before the run */
  warnings: string[];
}

const POLICIES: HostKeyPolicy[] = ['strict', 'accept-new', 'off'];

/** The vault options of a command line (vaultKeyring makes the keyring from them). */
export function runVaultOptions(argv: string[]): VaultOptionValues {
  return pickVaultOptions(parse(argv, RUN_OPTIONS).values);
}

function pickVaultOptions(o: VaultOptionValues): VaultOptionValues {
  const { 'vault-id': id, 'vault-password-file': file, 'vault-pass-file': pass, 'ask-vault-pass': ask, 'ask-vault-password': askLong } = o;
  return { 'vault-id': id, 'vault-password-file': file, 'vault-pass-file': pass, 'ask-vault-pass': ask, 'ask-vault-password': askLong };
}

/**
 * `vault` decrypts vaulted -e @files (made from the same command line by vaultKeyring);
 * `cfg` is ansible.cfg with its ANSIBLE_* variables: a flag given on the command line wins.
 */
export function planRun(argv: string[], cwd: string, vault?: VaultKeyring, cfg: AnsibleSettings = { warnings: [] }): RunPlan {
  const { values: o, positionals } = parse(argv, RUN_OPTIONS);
  if (positionals.length === 0) throw new CliError('usage: tsplay run PLAYBOOK.ts [PLAYBOOK.ts ...] -i INVENTORY [options]; see tsplay --help');
  const file = positionals[0];
  const forks = o.forks === undefined ? (cfg.forks ?? 20) : Number(o.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new CliError(`--forks ${o.forks}: give a whole number >= 1`);
  const policy = (o['host-key-checking'] ?? cfg.hostKeyChecking ?? 'strict') as HostKeyPolicy;
  if (!POLICIES.includes(policy)) throw new CliError(`--host-key-checking ${policy}: use one of ${POLICIES.join(', ')}`);
  const timeout = o.timeout === undefined ? cfg.timeout : Number(o.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new CliError(`--timeout ${o.timeout}: give a number of seconds > 0`);
  const verbosity = o.verbose?.length ?? 0;
  const warnings: string[] = [...cfg.warnings];
  const becomeMethod = o['become-method'];
  if (becomeMethod !== undefined && becomeMethod !== 'sudo') {
    throw new CliError(becomeMethod === 'su'
      ? "--become-method su: tsplay's connections become with sudo only; use sudo (ansible_become_method=sudo), or run as the user (-u)"
      : `--become-method ${becomeMethod}: unknown method; use sudo`);
  }
  const action: RunAction = o['syntax-check'] ? 'syntax-check' : o['list-hosts'] ? 'list-hosts' : o['list-tasks'] ? 'list-tasks' : o['list-tags'] ? 'list-tags' : 'run';
  return {
    playbook: file,
    playbooks: positionals,
    inventory: o.inventory ?? cfg.inventory,
    action,
    step: Boolean(o.step),
    opts: {
      check: Boolean(o.check),
      diff: Boolean(o.diff),
      forks,
      limit: o.limit,
      extraVars: parseExtraVars(o['extra-vars'] ?? [], cwd, vault, warnings),
      tags: { tags: list(o.tags), skipTags: list(o['skip-tags']) },
      startAtTask: o['start-at-task'],
      forceHandlers: Boolean(o['force-handlers']),
      verbosity,
      become: o.become ? true : undefined,
      becomeUser: o['become-user'],
      cwd,
      retryFile: o['no-retry-file'] || cfg.retryFiles === false ? false : join(dirname(file), `${basename(file, extname(file))}.retry`),
      playbookFile: file,
    },
    reporter: {
      // --step asks line by line: live redrawing would overwrite its questions
      mode: o.json ? 'json' : o.step ? 'plain' : 'auto',
      diff: Boolean(o.diff),
      verbosity,
      color: o['no-color'] || cfg.noColor ? false : undefined,
    },
    vault: pickVaultOptions(o),
    warnings,
    ask: { becomePass: Boolean(o['ask-become-pass']), sshPass: Boolean(o['ask-pass']) },
    becomeMethod,
    sshArgs: cfg.sshArgs,
    connections: {
      knownHostsFile: o['known-hosts'],
      hostKeyChecking: policy,
      // --key-file is ansible-playbook's older name for --private-key
      privateKeyFile: o['private-key'] ?? o['key-file'] ?? cfg.privateKeyFile,
      user: o.user ?? cfg.remoteUser,
      connection: cliConnection(o.connection),
      connectTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
    },
  };
}

/** `-c TYPE`, checked before anything connects. */
function cliConnection(c: string | undefined): ConnectionCliOptions['connection'] {
  try {
    return parseConnectionType(c, '-c');
  } catch {
    throw new CliError(`-c ${String(c)}: unknown connection type; use -c ssh or -c local`);
  }
}
