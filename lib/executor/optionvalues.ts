import type { Serial, SerialSize } from '../dsl/types.js';
import { toBool } from '../vars/merge.js';
import { sizeOf } from './batches.js';

// What a task or play option may be once its Jinja string or function has given a value. Each
// returns the value in the type the engine uses, or throws a message saying what was expected
// (the caller adds where: file:line, host, option).

export class OptionValueError extends Error {}

function shown(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

/** retries, delay, throttle: Ansible's int fields take "3" as 3 */
export function wholeNumber(v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new OptionValueError(`${shown(v)} is not a whole number >= 0`);
  return n;
}

/** ignoreErrors, noLog, runOnce, anyErrorsFatal: yes/no, true/false, on/off, 1/0 as in Ansible */
export function flag(v: unknown): boolean {
  try {
    return toBool(v);
  } catch {
    throw new OptionValueError(`${shown(v)} is not a boolean (yes/no, true/false, on/off, 1/0)`);
  }
}

export function percent(v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) throw new OptionValueError(`${shown(v)} is not a number between 0 and 100`);
  return n;
}

function serialSize(v: unknown): SerialSize {
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  const s = typeof v === 'string' ? (v.trim() as SerialSize) : (v as SerialSize);
  if (typeof s !== 'number' && typeof s !== 'string') throw new OptionValueError(`${shown(v)} is not a number or "N%"`);
  try {
    sizeOf(s, 10);
  } catch (e) {
    throw new OptionValueError((e as Error).message);
  }
  return s;
}

/** a size, "N%", a ramp list of those, or per-pattern sizes */
export function serial(v: unknown): Serial {
  if (Array.isArray(v)) return v.map(serialSize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Array.isArray(x) ? x.map(serialSize) : serialSize(x)]));
  }
  return serialSize(v);
}

/** a play's hosts: a pattern, or a list of them (Ansible joins a list with ',') */
export function pattern(v: unknown): string {
  const p = Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : v;
  if (typeof p !== 'string' || !p.trim()) throw new OptionValueError(`${shown(v)} is not a non-empty host pattern`);
  return p;
}

/** environment: a map of names to scalar values (Ansible turns them into strings) */
export function environment(v: unknown): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OptionValueError(`${shown(v)} is not a map of variable names to values`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new OptionValueError(`'${k}' is not a valid environment variable name (letters, digits, _; not starting with a digit)`);
    if (x === null || x === undefined) continue;
    if (typeof x === 'object') throw new OptionValueError(`the value of ${k} is ${shown(x)}, not a string or number`);
    out[k] = typeof x === 'boolean' ? (x ? 'True' : 'False') : String(x);
  }
  return out;
}
