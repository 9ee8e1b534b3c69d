// Reading the cluster through kubectl on the host a task runs on (the first control plane, as
// kubespray's kubectl tasks are delegated): one round trip, several outputs between markers.
import { ModuleFailure, type ModuleContext } from '../../lib/index.js';

const MARK = '---tsplay-upgrade-part---';

/** Runs each command (sh) in turn on the task's host; returns their stdout and rc, in order. */
export async function readParts(ctx: ModuleContext, commands: string[]): Promise<{ rc: number; stdout: string; stderr: string }[]> {
  const script = commands.map((c) => `{ ${c} ; } 2>/tmp/.tsplay-upgrade-err.$$; rc=$?; echo; echo "${MARK} $rc"; cat /tmp/.tsplay-upgrade-err.$$; rm -f /tmp/.tsplay-upgrade-err.$$; echo "${MARK}"`).join('\n');
  const res = await ctx.conn.exec(script, { become: ctx.become, env: { LC_ALL: 'C' } });
  const out: { rc: number; stdout: string; stderr: string }[] = [];
  let rest = res.stdout;
  for (let i = 0; i < commands.length; i++) {
    const m = new RegExp(`\\n${MARK} (\\d+)\\n([\\s\\S]*?)${MARK}\\n`).exec(rest);
    if (!m) throw new ModuleFailure(`could not read the cluster on ${ctx.conn.host}: ${res.stderr.trim() || 'no output'}`);
    out.push({ rc: Number(m[1]), stdout: rest.slice(0, m.index), stderr: m[2]!.trim() });
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

/** JSON from a kubectl part, or a failure naming the command and what kubectl said. */
export function jsonOf<T>(part: { rc: number; stdout: string; stderr: string }, what: string, host: string): T {
  if (part.rc !== 0) throw new ModuleFailure(`${what} failed on ${host} (exit ${part.rc}): ${part.stderr || part.stdout.trim()}`);
  try {
    return JSON.parse(part.stdout) as T;
  } catch {
    throw new ModuleFailure(`${what} on ${host} did not print JSON: ${part.stdout.slice(0, 200)}`);
  }
}
