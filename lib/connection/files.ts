import { shq } from '../util/shell.js';
import type { BecomeSpec, Connection, ExecResult, HelperOp, PutOptions } from './types.js';

// Shell fragments shared by every connection. The temp file lives beside the destination so the
// final rename is atomic: a reader sees the old file or the new one, never half of either.

/** chown's OWNER[:GROUP] / :GROUP argument. */
export function ownerSpec(owner: string | undefined, group: string | undefined): string {
  return `${owner ?? ''}${group ? ':' + group : ''}`;
}

/**
 * Lines giving a fresh temp file "$t" the wanted mode and owner, keeping what was not asked for
 * from the existing file `d` (a shell word), like Ansible's copy.
 */
export function tempAttrLines(d: string, want: Pick<PutOptions, 'mode' | 'owner' | 'group'>): string[] {
  const lines: string[] = [];
  if (want.mode) lines.push(`chmod ${shq(want.mode)} "$t"`);
  else lines.push(`if [ -e ${d} ]; then chmod "$(stat -L -c %a ${d})" "$t"; else chmod 0644 "$t"; fi`);
  if (want.owner || want.group) lines.push(`chown ${shq(ownerSpec(want.owner, want.group))} "$t"`);
  if (!want.owner || !want.group) {
    const keep = !want.owner && !want.group ? '%u:%g' : !want.owner ? '%u' : ':%g';
    lines.push(`if [ -e ${d} ]; then chown "$(stat -L -c ${keep} ${d})" "$t" 2>/dev/null || true; fi`);
  }
  return lines;
}

export function atomicWriteScript(dest: string, opts: Pick<PutOptions, 'mode' | 'owner' | 'group'> = {}): string {
  const d = shq(dest);
  return [
    `set -e`,
    `t=$(mktemp "$(dirname ${d})/.tsplay.XXXXXX")`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
    ...tempAttrLines(d, opts),
    `mv -f "$t" ${d}`,
    `trap - EXIT`,
  ].join('\n');
}

function readFileScript(path: string): string {
  return `base64 -w0 < ${shq(path)}`;
}

/** Modes the helper applies itself; symbolic ones (u+rw) are chmod's to read. */
const OCTAL_MODE = /^0?[0-7]{3,4}$/;

type HelperPut = Omit<Extract<HelperOp, { op: 'put' }>, 'op'>;

/**
 * The atomic write done in-process by the host's helper (the same steps as atomicWriteScript);
 * undefined when the connection has no helper or the mode is symbolic: write with sh then.
 */
export async function putViaHelper(conn: Connection, put: HelperPut, content: Buffer | string, become?: BecomeSpec | false): Promise<ExecResult | undefined> {
  if (!conn.helper || (put.mode && !OCTAL_MODE.test(put.mode))) return undefined;
  return conn.helper({ op: 'put', ...put }, { stdin: Buffer.from(content), become });
}

/** `put` for any connection that can exec: the content travels on stdin, become applies. */
export async function putByExec(conn: Connection, remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
  const { mode, owner, group, become } = opts;
  const res =
    (await putViaHelper(conn, { path: remotePath, mode, owner, group }, content, become)) ??
    (await conn.exec(atomicWriteScript(remotePath, opts), { stdin: content, become }));
  if (res.rc !== 0) throw new Error(`${conn.host}: cannot write ${remotePath}: ${res.stderr.trim()}`);
}

/** `get` for any connection that can exec (base64 on stdout, so binary files survive). */
export async function getByExec(conn: Connection, remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
  const res = await conn.exec(readFileScript(remotePath), { become: opts.become });
  if (res.rc !== 0) throw new Error(`${conn.host}: cannot read ${remotePath}: ${res.stderr.trim()}`);
  return Buffer.from(res.stdout, 'base64');
}
