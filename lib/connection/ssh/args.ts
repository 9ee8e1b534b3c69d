// Reads the parts of OpenSSH command-line arguments tsplay honours (ansible_ssh_common_args,
// ansible_ssh_extra_args): ProxyJump (`-J` or `-o ProxyJump=`), kubespray's
// `-o ProxyCommand="ssh -W %h:%p ... user@bastion"`, and a few `-o` host key options.
import { shlexSplit } from '../../util/shlex.js';

export interface JumpSpec {
  address: string;
  port: number;
  /** undefined: same user as the target */
  user?: string;
  privateKeyFile?: string;
}

export interface ParsedSshArgs {
  jumps: JumpSpec[];
  strictHostKeyChecking?: string;
  userKnownHostsFile?: string;
  identityFile?: string;
  port?: number;
  user?: string;
}

/** Split ssh arguments as Ansible does (Python shlex.split). */
export function shellWords(s: string): string[] {
  try {
    return shlexSplit(s);
  } catch (e) {
    throw new Error(`${(e as Error).message} in: ${s}`);
  }
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`; IPv6 as `[addr]:port`. */
export function parseDestination(dest: string): JumpSpec {
  let d = dest.replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = d.lastIndexOf('@');
  if (at >= 0) {
    user = d.slice(0, at);
    d = d.slice(at + 1);
  }
  let address = d;
  let port = 22;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(d);
  const v4 = /^([^:]+):(\d+)$/.exec(d);
  if (v6) {
    address = v6[1];
    if (v6[2]) port = Number(v6[2]);
  } else if (v4) {
    address = v4[1];
    port = Number(v4[2]);
  }
  if (!address || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad ssh destination '${dest}'`);
  return { address, port, user };
}

// ssh options that take an argument (so the word after them is not the destination)
const WITH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

function parseOptionWords(words: string[]): { opts: [string, string][]; dest?: string } {
  const opts: [string, string][] = [];
  let dest: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-') && w.length >= 2) {
      const letter = w[1];
      if (WITH_ARG.has(letter)) {
        const val = w.length > 2 ? w.slice(2) : words[++i];
        if (val === undefined) throw new Error(`ssh option ${w} needs a value`);
        opts.push([letter, val]);
      } else {
        // flags such as -q -T -A, possibly grouped (-qT)
        for (const f of w.slice(1)) opts.push([f, '']);
      }
    } else if (dest === undefined) dest = w;
  }
  return { opts, dest };
}

function splitOption(o: string): [string, string] {
  const m = /^\s*([A-Za-z]+)\s*[= ]\s*(.*)$/.exec(o);
  if (!m) throw new Error(`bad ssh -o option '${o}'`);
  return [m[1].toLowerCase(), m[2]];
}

function proxyCommandJump(cmd: string): JumpSpec {
  const words = shellWords(cmd);
  if (words[0] !== 'ssh' && !words[0]?.endsWith('/ssh')) {
    throw new Error(`ProxyCommand '${cmd}' is not supported: only 'ssh -W %h:%p [user@]bastion' (or use -o ProxyJump=user@bastion:port)`);
  }
  const { opts, dest } = parseOptionWords(words.slice(1));
  if (!opts.some(([k, v]) => k === 'W' && /^\[?%h\]?:%p$/.test(v)) || !dest) {
    throw new Error(`ProxyCommand '${cmd}' is not supported: it needs '-W %h:%p' and a bastion destination`);
  }
  const j = parseDestination(dest);
  for (const [k, v] of opts) {
    if (k === 'p') j.port = Number(v);
    else if (k === 'l') j.user = v;
    else if (k === 'i') j.privateKeyFile = v;
  }
  if (!Number.isInteger(j.port)) throw new Error(`ProxyCommand '${cmd}': bad port`);
  return j;
}

/** Parse an ansible_ssh_common_args / ansible_ssh_extra_args string. Throws with a clear message. */
export function parseSshArgs(args: string): ParsedSshArgs {
  const { opts } = parseOptionWords(shellWords(args));
  const res: ParsedSshArgs = { jumps: [] };
  const addJumps = (v: string) => {
    if (v.toLowerCase() === 'none') return;
    res.jumps.push(...v.split(',').map((d) => parseDestination(d.trim())));
  };
  for (const [k, v] of opts) {
    if (k === 'J') addJumps(v);
    else if (k === 'p') res.port = Number(v);
    else if (k === 'l') res.user = v;
    else if (k === 'i') res.identityFile = v;
    else if (k === 'o') {
      const [name, val] = splitOption(v);
      if (name === 'proxyjump') addJumps(val);
      else if (name === 'proxycommand') {
        if (val.toLowerCase() !== 'none') res.jumps.push(proxyCommandJump(val));
      } else if (name === 'stricthostkeychecking') res.strictHostKeyChecking = val.toLowerCase();
      else if (name === 'userknownhostsfile') res.userKnownHostsFile = val.split(/\s+/)[0];
      else if (name === 'identityfile') res.identityFile = val;
      else if (name === 'port') res.port = Number(val);
      else if (name === 'user') res.user = val;
    }
  }
  return res;
}
