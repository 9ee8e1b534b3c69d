import { shlexSplit } from '../../util/shlex.js';
import { randomBytes } from 'node:crypto';
import { shq } from '../../util/shell.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { ModuleFailure } from '../types.js';
import { splitLines } from './result.js';

// Shared by command and shell: chdir, creates/removes and the command itself go to the host as
// ONE script, so deciding whether to run costs no extra round trip. The script reports "did not
// run" with a per-call random marker that no real command output can imitate by accident.

export interface CommandCommonArgs {
  /** do not run when this path (glob) exists */
  creates?: string;
  /** run only when this path (glob) exists */
  removes?: string;
  /** directory to run in */
  chdir?: string;
  /** extra environment variables */
  env?: Record<string, string>;
  /** fed to the command's stdin */
  stdin?: string;
  /** append a newline to stdin (default true) */
  stdin_add_newline?: boolean;
}

export const commandCommonSchema = {
  creates: { type: 'string', minLength: 1 },
  removes: { type: 'string', minLength: 1 },
  chdir: { type: 'string', minLength: 1 },
  env: { type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  stdin: { type: 'string' },
  stdin_add_newline: { type: 'boolean' },
} as const;

export interface CommandResult extends ModuleResult {
  rc: number;
  stdout: string;
  stderr: string;
  stdout_lines: string[];
  stderr_lines: string[];
  /** argv (command) or the script (shell) */
  cmd: string | string[];
  start?: string;
  end?: string;
  delta?: string;
}

/** argv from a command line, split as Ansible's command module does (Python shlex.split). */
export function splitArgs(s: string): string[] {
  try {
    return shlexSplit(s);
  } catch (e) {
    throw new ModuleFailure(`command: ${(e as Error).message.toLowerCase()} in: ${s}`);
  }
}

/** A path for the shell with glob characters left active and everything else escaped. */
function globWord(path: string): string {
  if (!/[*?[]/.test(path)) return shq(path);
  return path.replace(/[^A-Za-z0-9_/.*?[\]-]/g, (ch) => `\\${ch}`);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Ansible's datetime format: '2024-05-01 12:00:00.123000'. */
function stamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
}

function delta(ms: number): string {
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${h}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}000`;
}

/**
 * Run `commandLine` (a complete sh command, already quoted) with the common options.
 * `cmd` is what the result reports as the command.
 */
export async function runCommand(
  ctx: ModuleContext,
  args: CommandCommonArgs,
  commandLine: string,
  cmd: string | string[],
): Promise<CommandResult> {
  const mark = `tsplay-${randomBytes(6).toString('hex')}`;
  const base: CommandResult = { changed: false, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], cmd };
  const gated = args.creates !== undefined || args.removes !== undefined;
  if (ctx.check && !gated) return { ...base, skipped: true, msg: 'skipped in check mode' };
  const lines: string[] = [];
  if (args.chdir !== undefined) {
    lines.push(`cd -- ${shq(args.chdir)} 2>/dev/null || { printf '%s' '${mark}:chdir'; exit 0; }`);
  }
  if (args.creates !== undefined) {
    lines.push(
      `for f in ${globWord(args.creates)}; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s' '${mark}:creates'; exit 0; fi; done`,
    );
  }
  if (args.removes !== undefined) {
    lines.push(
      `found=; for f in ${globWord(args.removes)}; do if [ -e "$f" ] || [ -L "$f" ]; then found=1; fi; done`,
      `[ -n "$found" ] || { printf '%s' '${mark}:removes'; exit 0; }`,
    );
  }
  if (ctx.check) {
    lines.push(`printf '%s' '${mark}:would-run'`);
  } else {
    // names are checked by the schema (env.propertyNames) before any module runs
    for (const [k, v] of Object.entries(args.env ?? {})) {
      lines.push(`${k}=${shq(v)}; export ${k}`);
    }
    lines.push(`exec ${commandLine}`);
  }
  let stdin: string | undefined;
  if (args.stdin !== undefined) stdin = args.stdin_add_newline === false ? args.stdin : args.stdin + '\n';
  const started = new Date();
  const res = await ctx.conn.exec(lines.join('\n'), { stdin, become: ctx.become });
  const ended = new Date();
  const verb = ctx.check ? 'Would' : 'Did';
  switch (res.stdout) {
    case `${mark}:chdir`:
      return { ...base, rc: 1, failed: true, msg: `Unable to change directory before execution: ${args.chdir} does not exist or is not accessible` };
    case `${mark}:creates`:
      return { ...base, stdout: `skipped, since ${args.creates} exists`, stdout_lines: [`skipped, since ${args.creates} exists`], msg: `${verb} not run command since '${args.creates}' exists` };
    case `${mark}:removes`:
      return { ...base, stdout: `skipped, since ${args.removes} does not exist`, stdout_lines: [`skipped, since ${args.removes} does not exist`], msg: `${verb} not run command since '${args.removes}' does not exist` };
    case `${mark}:would-run`:
      return { ...base, changed: true, msg: 'Command would have run if not in check mode' };
  }
  const stdout = res.stdout.replace(/[\r\n]+$/, '');
  const stderr = res.stderr.replace(/[\r\n]+$/, '');
  const result: CommandResult = {
    changed: true,
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    cmd,
    start: stamp(started),
    end: stamp(ended),
    delta: delta(ended.getTime() - started.getTime()),
  };
  if (res.rc !== 0) {
    result.failed = true;
    result.msg = 'non-zero return code';
  }
  return result;
}
