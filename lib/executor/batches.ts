import type { Serial, SerialSize } from '../dsl/types.js';
import { UserError } from '../util/errors.js';

// Ansible's serial semantics: a percentage is of the play's total hosts (floored, at least 1);
// a list ramps and its last value repeats until every host ran.

export class SerialError extends UserError {}

export function sizeOf(size: SerialSize, total: number): number {
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0) throw new SerialError(`serial ${size} must be a whole number >= 0`);
    return size === 0 ? total : size;
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(size);
  if (!m) throw new SerialError(`serial '${size}' must be a number or "N%"`);
  return Math.max(1, Math.floor((total * Number(m[1])) / 100));
}

export function batchSizes(serial: SerialSize | SerialSize[] | undefined, total: number): number[] {
  if (total === 0) return [];
  if (serial === undefined) return [total];
  const ramp = Array.isArray(serial) ? serial : [serial];
  if (ramp.length === 0) return [total];
  const sizes: number[] = [];
  let done = 0;
  for (let i = 0; done < total; i++) {
    const n = Math.min(sizeOf(ramp[Math.min(i, ramp.length - 1)], total), total - done);
    sizes.push(n);
    done += n;
  }
  return sizes;
}

function cut(hosts: string[], sizes: number[]): string[][] {
  const out: string[][] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(hosts.slice(i, i + n));
    i += n;
  }
  return out;
}

/**
 * Split a play's ordered hosts into batches. The record form batches each pattern's hosts by its
 * own size, patterns in the order given; hosts no pattern names run last, all at once.
 */
export function cutBatches(hosts: string[], serial: Serial | undefined, match: (pattern: string) => string[]): string[][] {
  if (serial === undefined || typeof serial !== 'object' || Array.isArray(serial)) {
    return cut(hosts, batchSizes(serial as SerialSize | SerialSize[] | undefined, hosts.length));
  }
  const taken = new Set<string>();
  const batches: string[][] = [];
  for (const [pattern, size] of Object.entries(serial)) {
    const wanted = new Set(match(pattern));
    const group = hosts.filter((h) => wanted.has(h) && !taken.has(h));
    group.forEach((h) => taken.add(h));
    batches.push(...cut(group, batchSizes(size, group.length)));
  }
  const rest = hosts.filter((h) => !taken.has(h));
  if (rest.length) batches.push(rest);
  return batches;
}
