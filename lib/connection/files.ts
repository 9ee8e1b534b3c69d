import { createHash } from 'node:crypto';
import { shq } from '../util/shell.js';
import type { BasedOn, BecomeSpec, Connection, ExecResult, HelperOp, PutOptions } from './types.js';

// Shell fragments shared by every connection. A new file is staged in a private directory
// beside the destination (same filesystem, so the final rename is atomic: a reader sees the old
// file or the new one, never half of either) and committed only once every byte arrived and its
// checksum is the one the controller sent: a transfer cut short (Ctrl-C, a lost connection)
// leaves the old file as it was.
//
// Why a private directory: a temp file in the destination's directory is reopened by name at
// every later step (write, chmod, chown, rename), and a user who can write that directory (their
// home, say, while root manages their authorized_keys) could swap it for a symlink between two
// steps and have root write or chown a file of their choosing. The private directory is made
// 0700 by mktemp, the script works from inside it, and checks it still owns that 0700 directory
// before writing: nobody else can create or swap a name in it.

/** chown's OWNER[:GROUP] / :GROUP argument. */
export function ownerSpec(owner: string | undefined, group: string | undefined): string {
  return `${owner ?? ''}${group ? ':' + group : ''}`;
}

/**
 * Lines giving the staged file `f` (in the current, private directory) the wanted mode and
 * owner, keeping what was not asked for from the existing file `d` (a shell word), like Ansible.
 */
function stagedAttrLines(d: string, want: Pick<PutOptions, 'mode' | 'owner' | 'group'>): string[] {
  const lines: string[] = [];
  if (want.mode) lines.push(`chmod -- ${shq(want.mode)} f`);
  else lines.push(`if [ -e ${d} ]; then chmod -- "$(stat -L -c %a -- ${d})" f; else chmod 0644 f; fi`);
  if (want.owner || want.group) lines.push(`chown -- ${shq(ownerSpec(want.owner, want.group))} f`);
  if (!want.owner || !want.group) {
    const keep = !want.owner && !want.group ? '%u:%g' : !want.owner ? '%u' : ':%g';
    lines.push(`if [ -e ${d} ]; then chown -- "$(stat -L -c ${keep} -- ${d})" f 2>/dev/null || true; fi`);
  }
  return lines;
}

export interface StagedWrite extends Pick<PutOptions, 'mode' | 'owner' | 'group'> {
  /** sha1 (hex) of the content arriving on stdin: nothing is committed unless it matches */
  sha1: string;
  /** a command with %s for the staged file, e.g. 'visudo -cf %s'; non-zero rc stops the write */
  validate?: { command: string; failed: string };
  /** keep the old file as `<dest>.<pid>.<time>~` (Ansible's name), created exclusively */
  backup?: boolean;
  /** commit only if the destination still has this content (or is still absent) */
  basedOn?: BasedOn;
}

/** Exit code of a write that found its destination changed since the content was planned. */
export const CHANGED_RC = 96;
/** Start of the message such a write prints (sh and helper alike). */
export const CHANGED_MARK = 'tsplay: changed meanwhile:';

/**
 * Lines that stop the write (CHANGED_RC) unless the destination `$d` is still what the content
 * was planned from. Every tsplay writer takes an exclusive flock(2) on the destination's
 * directory from this check until the script ends (the rename included), so two tsplay writers
 * never both pass the check against the same old content. The lock is on the directory, not on a
 * lock file beside the target: nothing is left behind, and the rename cannot break it (a lock on
 * the target itself would stay with the old inode). Writers that are not tsplay take no lock; for
 * them the window between this check and the rename is a few milliseconds, not the whole task.
 * Without flock(1) (or a directory we cannot read) only the check is done.
 */
function basedOnLines(b: BasedOn): string[] {
  const want = 'sha1' in b ? b.sha1 : 'absent';
  return [
    `p=$(dirname -- "$d")`,
    `if command -v flock >/dev/null 2>&1 && [ -r "$p" ]; then exec 9<"$p"; flock -w 60 9 || { echo "cannot lock $p to write $d (another write there has held it for 60 s); the file was not changed" >&2; exit 1; }; fi`,
    `if [ -e "$d" ] || [ -L "$d" ]; then n=$(sha1sum < "$d" 2>/dev/null) || n=unreadable; n=\${n%% *}; else n=absent; fi`,
    `[ "$n" = ${shq(want)} ] || { echo "${CHANGED_MARK} $d changed on the host after it was read; nothing was written" >&2; exit ${CHANGED_RC}; }`,
  ];
}

/**
 * The lines that write stdin to the path in shell variable `d` (absolute; its directory exists):
 * staged, checked, given its attributes, validated, the old file backed up, then renamed over.
 */
export function stagedWriteLines(w: StagedWrite): string[] {
  const lines = [
    // a signal (an interrupted run ends what it left running) leaves through the EXIT trap too
    `w= && trap 'cd / && [ -n "$w" ] && rm -rf -- "$w"' EXIT && trap 'exit 143' TERM HUP INT`,
    `w=$(mktemp -d -- "$(dirname -- "$d")/.tsplay.XXXXXX")`,
    `cd -P -- "$w"`,
    `if [ ! -O . ] || [ "$(stat -c %a .)" != 700 ]; then echo "the private temp directory $w was replaced while in use; nothing was written" >&2; exit 1; fi`,
    `cat > f`,
    `if [ "$(sha1sum < f)" != ${shq(`${w.sha1}  -`)} ]; then echo "the content did not arrive whole (checksum differs); the file was not changed" >&2; exit 1; fi`,
    ...stagedAttrLines('"$d"', w),
  ];
  if (w.validate) {
    const cmd = w.validate.command.split('%s').join('"$w/f"');
    lines.push(`( ${cmd} ) >&2 || { rc=$?; echo "${w.validate.failed} $rc" >&2; exit 97; }`);
  }
  if (w.basedOn) lines.push(...basedOnLines(w.basedOn));
  if (w.backup) {
    // link(2) never follows or replaces what is at the backup's name: a planted symlink fails it
    lines.push(
      `if [ -f "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" b; ln -T -- b "$b" || { echo "cannot create the backup $b (something is already there); the file was not changed" >&2; exit 1; }; printf 'B|%s\\n' "$b"; fi`,
    );
  }
  lines.push(`mv -fT -- f "$d"`);
  return lines;
}

export function atomicWriteScript(dest: string, content: Buffer | string, opts: Pick<StagedWrite, 'mode' | 'owner' | 'group' | 'basedOn'> = {}): string {
  return [`set -e`, `d=${shq(dest)}`, `case $d in /*) ;; *) d="$PWD/$d";; esac`, ...stagedWriteLines({ ...opts, sha1: sha1Hex(content) })].join('\n');
}

export function sha1Hex(content: Buffer | string): string {
  return createHash('sha1').update(content).digest('hex');
}

/**
 * A file is read in pieces of this many bytes, one round trip each: what the controller holds at
 * once stays bounded (and under tsplay_max_output) however large the file is.
 */
export const READ_CHUNK = 4 * 1024 * 1024; // 5.6 MB of base64: below the least tsplay_max_output

function readChunkScript(path: string, offset: number): string {
  // the redirection fails (and the script with it) for a missing or unreadable file; tail seeks
  return `exec 3< ${shq(path)} || exit 1\ntail -c +${offset + 1} <&3 | head -c ${READ_CHUNK} | base64 -w0`;
}

/** Modes the helper applies itself; symbolic ones (u+rw) are chmod's to read. */
const OCTAL_MODE = /^0?[0-7]{3,4}$/;

type HelperPut = Omit<Extract<HelperOp, { op: 'put' }>, 'op' | 'sha1'>;

/**
 * The atomic write done in-process by the host's helper (the same steps as atomicWriteScript);
 * undefined when the connection has no helper or the mode is symbolic: write with sh then.
 */
export async function putViaHelper(conn: Connection, put: HelperPut, content: Buffer | string, become?: BecomeSpec | false): Promise<ExecResult | undefined> {
  if (!conn.helper || (put.mode && !OCTAL_MODE.test(put.mode))) return undefined;
  const data = Buffer.from(content);
  return conn.helper({ op: 'put', ...put, sha1: sha1Hex(data) }, { stdin: data, become });
}

/** `put` for any connection that can exec: the content travels on stdin, become applies. */
export async function putByExec(conn: Connection, remotePath: string, content: Buffer | string, opts: PutOptions = {}): Promise<void> {
  const { mode, owner, group, become } = opts;
  const res =
    (await putViaHelper(conn, { path: remotePath, mode, owner, group }, content, become)) ??
    (await conn.exec(atomicWriteScript(remotePath, content, opts), { stdin: content, become }));
  if (res.rc !== 0) throw new Error(`${conn.host}: cannot write ${remotePath}: ${res.stderr.trim()}`);
}

/**
 * Reads a host file piece by piece, handing each piece to `sink` in order (base64 on stdout, so
 * binary files survive); resolves the number of bytes read. A file that changes meanwhile can
 * come out torn: callers that care compare a checksum (fetch does).
 */
export async function readByExec(
  conn: Connection,
  remotePath: string,
  sink: (piece: Buffer) => void | Promise<void>,
  opts: { become?: BecomeSpec | false } = {},
): Promise<number> {
  for (let offset = 0; ; ) {
    const res = await conn.exec(readChunkScript(remotePath, offset), { become: opts.become });
    if (res.rc !== 0) throw new Error(`${conn.host}: cannot read ${remotePath}: ${res.stderr.trim()}`);
    const piece = Buffer.from(res.stdout, 'base64');
    if (piece.length) await sink(piece);
    offset += piece.length;
    if (piece.length < READ_CHUNK) return offset;
  }
}

/** `get` for any connection that can exec. */
export async function getByExec(conn: Connection, remotePath: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer> {
  const pieces: Buffer[] = [];
  await readByExec(conn, remotePath, (p) => void pieces.push(p), opts);
  return Buffer.concat(pieces);
}
