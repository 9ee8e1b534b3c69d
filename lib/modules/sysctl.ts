import { shq, shqNamed } from '../util/shell.js';
import { applyScript, probe, withNewline, writeFileFragment } from './system/remote.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { sha1 } from './common/result.js';
import { withReplan } from './common/replan.js';
import { decodeBytes, encodeText } from '../util/bytetext.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's sysctl (ansible.posix.sysctl): the entry is kept in sysctl_file (default
// /etc/sysctl.conf, as in Ansible; kubespray passes /etc/sysctl.d/99-sysctl.conf), the file is
// reloaded with `sysctl -p FILE` when it changed, and with sysctl_set the running value is set
// with `sysctl -w`. Values compare after normalising whitespace and booleans (yes/true -> 1).

export interface SysctlArgs {
  name: string;
  value?: string | number | boolean;
  /** default present */
  state?: 'present' | 'absent';
  /** run `sysctl -p sysctl_file` after the file changed; default true */
  reload?: boolean;
  /** default /etc/sysctl.conf */
  sysctl_file?: string;
  /** also compare and set the running value with `sysctl -w`; default false */
  sysctl_set?: boolean;
  /** ignore unknown keys (sysctl -e); default false */
  ignoreerrors?: boolean;
}

export interface SysctlResult extends ModuleResult {
  name: string;
  value?: string;
  /** the running value read before any change (absent when the key is unknown) */
  runtime_before?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    // a leading - would make the key an option of sysctl (-p FILE applies a file)
    name: { type: 'string', pattern: '^[^\\s=-][^\\s=]*$', description: "a sysctl key such as net.ipv4.ip_forward (no spaces or '=', not starting with '-')" },
    value: { type: ['string', 'number', 'boolean'] },
    state: { enum: ['present', 'absent'] },
    reload: { type: 'boolean' },
    sysctl_file: { type: 'string', pattern: '^/', description: 'an absolute path such as /etc/sysctl.d/99-kubernetes.conf' },
    sysctl_set: { type: 'boolean' },
    ignoreerrors: { type: 'boolean' },
  },
};

/** Ansible's value parsing: booleans and yes/no become 1/0, whitespace runs become one space. */
function normaliseSysctlValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v).trim();
  if (/^(yes|true)$/i.test(s)) return '1';
  if (/^(no|false)$/i.test(s)) return '0';
  return s.split(/\s+/).join(' ');
}

/** The key of a sysctl.conf line, or null for blanks and comments (# or ;). */
function lineKey(line: string): { key: string; value: string } | null {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return null;
  const eq = t.indexOf('=');
  if (eq < 0) return null;
  return { key: t.slice(0, eq).trim().replace(/^-/, ''), value: t.slice(eq + 1).trim() };
}

/** New file text: first entry kept verbatim when its value already matches, duplicates dropped. */
function planSysctlFile(text: string, name: string, value: string | undefined): string {
  const lines = text === '' ? [] : withNewline(text).slice(0, -1).split('\n');
  const out: string[] = [];
  let written = false;
  for (const line of lines) {
    const kv = lineKey(line);
    if (!kv || kv.key !== name) {
      out.push(line);
      continue;
    }
    if (value === undefined || written) continue;
    out.push(normaliseSysctlValue(kv.value) === value ? line : `${name}=${value}`);
    written = true;
  }
  if (value !== undefined && !written) out.push(`${name}=${value}`);
  return out.length ? out.join('\n') + '\n' : '';
}

export const sysctl = defineModule<SysctlArgs, SysctlResult>({
  name: 'sysctl',
  schema,
  async run(args, ctx) {
    const state = args.state ?? 'present';
    if (state === 'present' && args.value === undefined) throw new ModuleFailure(`sysctl ${args.name}: value is required when state is present`);
    // read, plan and apply again when the file changed in between (common/replan.ts)
    return withReplan(`sysctl ${args.name}`, () => attempt(args, ctx), (m) => ctx.log(m));
  },
});

/** Exit code of the read fragment for a missing file (an empty file reads as rc 0, no bytes). */
const ABSENT_RC = 3;

async function attempt(args: SysctlArgs, ctx: ModuleContext): Promise<SysctlResult> {
  const state = args.state ?? 'present';
  const file = args.sysctl_file ?? '/etc/sysctl.conf';
  const reload = args.reload ?? true;
  const value = state === 'present' ? normaliseSysctlValue(args.value as string | number | boolean) : undefined;

  const st = await probe(ctx, {
    file: `if [ -e ${shqNamed(file, "argument 'sysctl_file'")} ] || [ -L ${shq(file)} ]; then cat -- ${shq(file)}; else exit ${ABSENT_RC}; fi`,
    // -- : whatever the name, it is a key to read, never an option
    runtime: `sysctl -n -- ${shqNamed(args.name, "argument 'name'")}`,
  });
  const absent = st.file.rc === ABSENT_RC;
  if (st.file.rc !== 0 && !absent) throw new ModuleFailure(`cannot read ${file}: ${st.file.err}`);
  // the file as bytes (util/bytetext.ts): lines this does not touch keep every byte
  const before = decodeBytes(st.file.raw);
  const known = st.runtime.rc === 0;
  const runtimeBefore = known ? normaliseSysctlValue(st.runtime.out) : undefined;
  if (!known && !args.ignoreerrors && (args.sysctl_set || state === 'present')) {
    throw new ModuleFailure(`sysctl ${args.name}: unknown key on this host (${st.runtime.err || 'sysctl -n failed'}); set ignoreerrors: true to skip it`);
  }

  const after = planSysctlFile(before, args.name, value);
  const fileChanged = after !== before;
  const setRuntime = !!args.sysctl_set && value !== undefined && known && runtimeBefore !== value;
  const changed = fileChanged || setRuntime;
  const result: SysctlResult = { changed, name: args.name, value, runtime_before: runtimeBefore };
  if (ctx.diff && changed) {
    const diff: FileDiff[] = [];
    if (fileChanged) diff.push({ path: file, before: st.file.out, after: encodeText(after).toString('utf8') });
    if (setRuntime) diff.push({ path: `sysctl:${args.name}`, attrs: { value: { before: runtimeBefore, after: value } } });
    result.diff = diff;
  }
  if (!changed || ctx.check) return result;

  const e = args.ignoreerrors ? '-e ' : '';
  const steps = ['set -e'];
  // committed only if the file still holds the bytes this plan was made from
  const basedOn = absent ? { absent: true as const } : { sha1: sha1(st.file.raw) };
  if (fileChanged) steps.push(writeFileFragment(file, encodeText(after), { basedOn }));
  if (setRuntime) steps.push(`sysctl ${e}-q -w -- ${shq(`${args.name}=${value}`)}`);
  // reload applies every entry of the file, as `sysctl -p` does on boot
  if (fileChanged && reload) steps.push(`sysctl ${e}-q -p -- ${shq(file)}`);
  await applyScript(ctx, steps.join('\n'), `sysctl ${args.name}`);
  return result;
}
