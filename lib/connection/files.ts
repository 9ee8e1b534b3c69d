import { shq } from '../util/shell.js';
import type { BecomeSpec, Connection, PutOptions } from './types.js';

// Shell fragments shared by every connection. The temp file lives beside the destination so the
// final rename is atomic: a reader sees the old file or the new one, never half of either.

export function atomicWriteScript(dest: string, opts: Pick<PutOptions, 'mode' | 'owner' | 'group'> = {}): string {
  const d = shq(dest);
  const steps = [
    `set -e`,
    `t=$(mktemp "$(dirname ${d})/.tsplay.XXXXXX")`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
  ];
  // keep the mode/owner of an existing file unless told otherwise, like Ansible's copy
  if (opts.mode) steps.push(`chmod ${shq(opts.mode)} "$t"`);
  else steps.push(`if [ -e ${d} ]; then chmod "$(stat -c %a ${d})" "$t"; else chmod 0644 "$t"; fi`);
  if (opts.owner || opts.group) steps.push(`chown ${shq(`${opts.owner ?? ''}${opts.group ? ':' + opts.group : ''}`)} "$t"`);
  else steps.push(`if [ -e ${d} ]; then chown "$(stat -c %u:%g ${d})" "$t" 2>/dev/null || true; fi`);
  steps.push(`mv -f "$t" ${d}`, `trap - EXIT`);
  return steps.join('\n');
}

export function readFileScript(path: string): string {
  return `base64 -w0 < ${shq(path)}`;
}

/** Modes the helper applies itself; symbolic ones (u+rw) are chmod's to read. */
const OCTAL_MODE = /^0?[0-7]{3,4}$/;

/**
 * `put` for any connection that can exec: the content travels on stdin, become applies. A
 * connection with a helper writes the file in-process, the same way (temp file, mode, owner, rename).
 */
export async function putByExec(conn: Connection, remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
  const native =
    !opts.mode || OCTAL_MODE.test(opts.mode)
      ? await conn.helper?.({ op: 'put', path: remotePath, mode: opts.mode, owner: opts.owner, group: opts.group }, { stdin: Buffer.from(content), become: opts.become })
      : undefined;
  const res = native ?? (await conn.exec(atomicWriteScript(remotePath, opts), { stdin: content, become: opts.become }));
  if (res.rc !== 0) throw new Error(`${conn.host}: cannot write ${remotePath}: ${res.stderr.trim()}`);
}

/** `get` for any connection that can exec (base64 on stdout, so binary files survive). */
export async function getByExec(conn: Connection, remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
  const res = await conn.exec(readFileScript(remotePath), { become: opts.become });
  if (res.rc !== 0) throw new Error(`${conn.host}: cannot read ${remotePath}: ${res.stderr.trim()}`);
  return Buffer.from(res.stdout, 'base64');
}
