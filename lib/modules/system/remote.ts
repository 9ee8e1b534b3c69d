import { atomicWriteScript, CHANGED_MARK } from '../../connection/files.js';
import type { BasedOn } from '../../connection/types.js';
import { ChangedMeanwhile, isChangedMeanwhile } from '../common/replan.js';
import { shq } from '../../util/shell.js';
import type { ModuleContext } from '../types.js';
import { ModuleFailure } from '../types.js';

// Shell plumbing shared by the system modules: read every piece of state in one round trip, and
// apply a change (several files and commands) in one more.

export interface Probed {
  rc: number;
  out: string;
  /** stdout as the bytes printed (out is their UTF-8 reading) */
  raw: Buffer;
  err: string;
}

/**
 * Run each shell fragment on the host in ONE exec and return its exit code, stdout and stderr.
 * Values travel base64-encoded inside a JSON object, so file contents keep every byte and newline.
 */
export async function probe<K extends string>(ctx: ModuleContext, fragments: Record<K, string>): Promise<Record<K, Probed>> {
  const keys = Object.keys(fragments) as K[];
  const parts = keys.map((k, i) => {
    const sep = i === 0 ? '' : ',';
    // the trailing x keeps trailing newlines that $(...) would strip
    return [
      `v=$( ( ${fragments[k]}\n) 2>"$E"; r=$?; printf x; exit $r ); r=$?; v=\${v%x}`,
      `printf '${sep}"%s":{"rc":%d,"out":"%s","err":"%s"}' ${shq(k)} "$r" "$(printf %s "$v" | base64 -w0)" "$(base64 -w0 < "$E")"`,
    ].join('\n');
  });
  const script = ['E=$(mktemp)', `trap 'rm -f "$E"' EXIT`, `printf '{'`, ...parts, `printf '}'`].join('\n');
  const res = await ctx.conn.exec(script, { become: ctx.become });
  let parsed: Record<string, { rc: number; out: string; err: string }>;
  try {
    parsed = JSON.parse(res.stdout) as typeof parsed;
  } catch {
    throw new ModuleFailure(`cannot read state on ${ctx.host}: ${res.stderr.trim() || `unexpected output (rc ${res.rc})`}`);
  }
  const out = {} as Record<K, Probed>;
  for (const k of keys) {
    const p = parsed[k];
    const raw = Buffer.from(p.out, 'base64');
    out[k] = { rc: p.rc, out: raw.toString('utf8'), raw, err: Buffer.from(p.err, 'base64').toString('utf8').trim() };
  }
  return out;
}

/** The path named by a CHANGED_MARK message. */
function changedPath(stderr: string): string | undefined {
  const at = stderr.indexOf(CHANGED_MARK);
  if (at < 0) return undefined;
  return /^ (.*) changed on the host after it was read/m.exec(stderr.slice(at + CHANGED_MARK.length))?.[1];
}

/** Run an apply script; a non-zero exit becomes a task failure naming what failed. */
export async function applyScript(
  ctx: ModuleContext,
  script: string,
  what: string,
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  const res = await ctx.conn.exec(script, { become: ctx.become, env: opts.env, timeoutMs: opts.timeoutMs });
  if (isChangedMeanwhile(res)) throw new ChangedMeanwhile(changedPath(res.stderr) ?? what);
  if (res.rc !== 0) {
    const detail = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new ModuleFailure(`${what} failed (rc ${res.rc}): ${detail}`, { rc: res.rc, stdout: res.stdout, stderr: res.stderr });
  }
  return res;
}

/**
 * A fragment that writes `content` (text is UTF-8) to `path` atomically (temp file beside it,
 * then rename); with `basedOn`, only if the file is still what the content was planned from,
 * else the script stops with CHANGED_RC and applyScript throws ChangedMeanwhile.
 */
export function writeFileFragment(path: string, content: string | Buffer, opts: { mode?: string; basedOn?: BasedOn } = {}): string {
  const bytes = Buffer.from(content);
  return [
    `mkdir -p -- "$(dirname -- ${shq(path)})"`,
    `printf %s ${shq(bytes.toString('base64'))} | base64 -d | (\n${atomicWriteScript(path, bytes, opts)}\n)`,
  ].join('\n');
}

/** Normalise text to end with exactly one newline (empty stays empty). */
export function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : text + '\n';
}
