// The Ansible-like lines shared by the plain and the terminal reporters.

import { formatDiff } from './diff-format.js';
import type { RunEvent } from './events.js';
import { palette, statusPaint } from './style.js';
import { jsonStringify } from '../util/json.js';

type HostResult = Extract<RunEvent, { type: 'host_result' }>;
type Retry = Extract<RunEvent, { type: 'retry' }>;

export const BANNER_WIDTH = 80;

/** `TASK [x] *****` padded with stars to 80 columns, at least 3 stars (as Ansible does). */
export function banner(text: string): string {
  return `${text} ${'*'.repeat(Math.max(3, BANNER_WIDTH - 1 - text.length))}`;
}

export function taskName(task: string, role?: string): string {
  return role ? `${role} : ${task}` : task;
}

function hostRef(ev: { host: string; delegatedTo?: string }): string {
  return ev.delegatedTo && ev.delegatedTo !== ev.host ? `[${ev.host} -> ${ev.delegatedTo}]` : `[${ev.host}]`;
}

/** The executor's no_log notice when the result was censored, else undefined. */
export function censoredText(ev: HostResult): string | undefined {
  const c = ev.result?.censored;
  return typeof c === 'string' ? c : undefined;
}

/** The module result as JSON, only when there is one (noLog results arrive already censored). */
function resultSuffix(ev: HostResult, verbosity: number): string {
  return verbosity >= 1 && ev.result ? ` => ${jsonStringify(ev.result)}` : '';
}

/** What a failed command said (stderr, else stdout), last lines only: the reason is usually there. */
function failureOutput(ev: HostResult, verbosity: number): string[] {
  const r = ev.result;
  if (!r || verbosity >= 1 || r.censored !== undefined) return [];
  const text = [r.stderr, r.stdout].find((t): t is string => typeof t === 'string' && t.trim() !== '');
  if (!text) return [];
  const lines = text.trimEnd().split('\n');
  const shown = lines.slice(-20);
  return [...(lines.length > shown.length ? [`  ... (${lines.length - shown.length} earlier lines)`] : []), ...shown.map((l) => `  ${l}`)];
}

/** ` (rc=3)` after a failed command's message, so the exit status shows without -v. */
function rcNote(ev: HostResult, text: string): string {
  const rc = ev.result?.rc;
  if (ev.status === 'ok' || ev.status === 'changed' || ev.status === 'skipped') return '';
  if (typeof rc !== 'number' || rc === 0 || ev.result?.censored !== undefined || /\brc\b/.test(text)) return '';
  return ` (rc=${rc})`;
}

/** Lines for one host result: `changed: [h -> d] => (item=x)`, `failed: [h]: msg` + `...ignoring`. */
export function hostResultLines(ev: HostResult, opts: { verbosity: number; color: boolean }): string[] {
  const p = palette(opts.color);
  const hidden = censoredText(ev);
  // a no_log loop item can carry the secret itself: Ansible shows (item=None)
  // (only for a loop item: a task without a loop shows no item at all)
  const itemLabel = ev.item === undefined ? undefined : hidden !== undefined ? 'None' : ev.item;
  const item = itemLabel !== undefined ? ` => (item=${itemLabel})` : '';
  const head = `${hostRef(ev)}${item}`;
  const extra = resultSuffix(ev, opts.verbosity);
  const text = hidden ?? ev.msg;
  const msg = text ? `: ${text}${rcNote(ev, text)}` : '';
  switch (ev.status) {
    case 'ok':
      return [p.green(`ok: ${head}${extra}`)];
    case 'changed':
      return [p.yellow(`changed: ${head}${extra}`)];
    case 'skipped':
      return [p.cyan(`skipping: ${head}${extra}`)];
    case 'unreachable':
      return [p.red(`fatal: ${head}: UNREACHABLE!${text ? ` ${text}` : ''}${extra}`)];
    case 'failed':
      return [p.red(`failed: ${head}${msg}${extra}`), ...failureOutput(ev, opts.verbosity).map(p.red)];
    case 'ignored':
      return [p.red(`failed: ${head}${msg}${extra}`), ...failureOutput(ev, opts.verbosity).map(p.red), statusPaint(p, 'skipped')('...ignoring')];
    case 'rescued':
      return [p.red(`failed: ${head}${msg}${extra}`), ...failureOutput(ev, opts.verbosity).map(p.red), statusPaint(p, 'rescued')('...rescuing')];
  }
}

/** The line a task starts with: `TASK [role : name]` or `RUNNING HANDLER [...]`. */
export function taskHeader(ev: Extract<RunEvent, { type: 'task_start' }>): { label: string; header: string } {
  const label = taskName(ev.task, ev.role);
  return { label, header: `${ev.handler ? 'RUNNING HANDLER' : 'TASK'} [${label}]` };
}

/** A host result's file diffs as lines, when --diff is on and the result is not censored. */
export function diffLines(ev: HostResult, opts: { diff: boolean; color: boolean }): string[] {
  if (!opts.diff || !ev.diff || censoredText(ev) !== undefined) return [];
  const text = formatDiff(ev.diff, { color: opts.color });
  return text ? text.replace(/\n$/, '').split('\n') : [];
}

/** `FAILED - RETRYING: [h]: task (2 retries left)`; `label` is the task as its banner names it. */
export function retryLine(ev: Retry, label: string, opts: { verbosity: number; color: boolean }): string {
  const left = Math.max(0, ev.retries - ev.attempt);
  const why = opts.verbosity >= 1 && ev.msg ? `: ${ev.msg}` : '';
  return palette(opts.color).yellow(`FAILED - RETRYING: [${ev.host}]: ${label} (${left} retries left)${why}`);
}

/** A debug message in Ansible's shape: `ok: [h] => {\n    "msg": "..."\n}`. */
export function logLines(ev: Extract<RunEvent, { type: 'log' }>, color: boolean): string[] {
  if (!ev.host) return [ev.message];
  const body = jsonStringify({ msg: ev.message }, 4);
  const green = palette(color).green;
  return `ok: [${ev.host}] => ${body}`.split('\n').map((l) => green(l));
}

export function warningLine(message: string, color: boolean): string {
  return palette(color).magenta(`[WARNING]: ${message}`);
}
