import { shq } from '../../util/shell.js';
import type { ExecResult } from '../../connection/types.js';
import type { ModuleContext } from '../types.js';
import { ModuleFailure } from '../types.js';

// One round trip to learn everything a file module needs about its paths: a small POSIX sh
// function runs stat (and sha1sum / base64 when asked) per path and prints one line each.
// Line format (fields never contain '|': names are user/group names, link targets are base64):
//   S|idx|0                                     path absent
//   S|idx|1|type|mode|uid|gid|user|group|size|mtime|sha1|linkB64
//   C|idx|contentB64                            only when content was asked for

export type PathType = 'file' | 'directory' | 'link' | 'other';

export interface PathState {
  path: string;
  exists: boolean;
  type?: PathType;
  /** '0644' */
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  /** seconds since the epoch */
  mtime?: number;
  /** sha1 hex of a regular file, when asked */
  checksum?: string;
  /** target of a symlink (as stored in the link) */
  linkTarget?: string;
  /** whole content of a regular file, when asked */
  content?: Buffer;
}

export interface ProbeSpec {
  path: string;
  /** stat what a symlink points to (when it resolves) instead of the link */
  follow?: boolean;
  checksum?: boolean;
  content?: boolean;
}

const PROBE_FN = [
  `p() {`,
  `  if [ ! -e "$2" ] && [ ! -L "$2" ]; then printf 'S|%s|0\\n' "$1"; return 0; fi`,
  `  o=; if [ "$3" = 1 ] && [ -e "$2" ]; then o=-L; fi`,
  `  s=$(stat $o -c '%F|%a|%u|%g|%U|%G|%s|%Y' -- "$2") || return 1`,
  `  l=; if [ -L "$2" ]; then l=$(printf %s "$(readlink -- "$2")" | base64 -w0); fi`,
  `  c=-`,
  `  case "$s" in regular*)`,
  `    if [ "$4" = 1 ]; then c=$(sha1sum < "$2") || return 1; c=\${c%% *}; fi`,
  `    if [ "$5" = 1 ]; then b=$(base64 -w0 < "$2") || return 1; printf 'C|%s|%s\\n' "$1" "$b"; fi;;`,
  `  esac`,
  `  printf 'S|%s|1|%s|%s|%s\\n' "$1" "$s" "$c" "$l"`,
  `}`,
].join('\n');

const flag = (b: boolean | undefined): string => (b ? '1' : '0');

/** The sh script that probes `specs`; callers may append more lines (it ends with its probes). */
export function probeScript(specs: readonly ProbeSpec[]): string {
  const calls = specs.map(
    (s, i) => `p ${i} ${shq(s.path)} ${flag(s.follow)} ${flag(s.checksum)} ${flag(s.content)} || exit 1`,
  );
  return [PROBE_FN, ...calls].join('\n');
}

function typeOf(f: string): PathType {
  if (f.startsWith('regular')) return 'file';
  if (f === 'directory') return 'directory';
  if (f === 'symbolic link') return 'link';
  return 'other';
}

export function parseProbe(stdout: string, specs: readonly ProbeSpec[]): PathState[] {
  const states: PathState[] = specs.map((s) => ({ path: s.path, exists: false }));
  for (const line of stdout.split('\n')) {
    const f = line.split('|');
    if (f[0] === 'C') {
      states[Number(f[1])].content = Buffer.from(f[2] ?? '', 'base64');
    } else if (f[0] === 'S' && f[2] === '1') {
      const st = states[Number(f[1])];
      st.exists = true;
      st.type = typeOf(f[3]);
      st.mode = f[4].padStart(4, '0');
      st.uid = Number(f[5]);
      st.gid = Number(f[6]);
      st.owner = f[7];
      st.group = f[8];
      st.size = Number(f[9]);
      st.mtime = Number(f[10]);
      if (f[11] !== '-') st.checksum = f[11];
      if (f[12]) st.linkTarget = Buffer.from(f[12], 'base64').toString('utf8');
    }
  }
  return states;
}

/**
 * Runs the probe of `specs` in one round trip: in the host's helper when it has one, else as the
 * sh script, followed by `extra` sh lines when given (those always need sh).
 */
export async function runProbe(ctx: ModuleContext, specs: readonly ProbeSpec[], extra?: string): Promise<ExecResult> {
  const native = extra === undefined ? await ctx.conn.helper?.({ op: 'probe', specs: [...specs] }, { become: ctx.become }) : undefined;
  return native ?? (await ctx.conn.exec(extra === undefined ? probeScript(specs) : `${probeScript(specs)}\n${extra}`, { become: ctx.become }));
}

/** Probe `specs` on the host in one round trip; a probe that cannot read a path fails the task. */
export async function probe(ctx: ModuleContext, specs: readonly ProbeSpec[]): Promise<PathState[]> {
  const res = await runProbe(ctx, specs);
  if (res.rc !== 0) {
    const paths = specs.map((s) => s.path).join(', ');
    throw new ModuleFailure(`cannot inspect ${paths}: ${res.stderr.trim() || `rc ${res.rc}`} (check the path and permissions, or use become)`);
  }
  return parseProbe(res.stdout, specs);
}
