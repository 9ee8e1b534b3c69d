// Combining variable layers and reading booleans, as Ansible does by default.

import type { Vars } from '../template/types.js';

/** hash_behaviour=replace: a later layer replaces a top-level key wholesale (no deep merge). */
export function mergeLayers(layers: Vars[]): Vars {
  return Object.assign({}, ...layers) as Vars;
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * Ansible's boolean(): y/yes/on/1/true/t and 1 are true; n/no/off/0/false/f and 0 are false
 * (strings case-insensitive, trimmed). null/undefined are false. Anything else is an error
 * unless strict is false, when it is false — Ansible's strict=False.
 */
export function toBool(v: unknown, opts: { strict?: boolean } = {}): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') {
    if (v === 1) return true;
    if (v === 0) return false;
  } else if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  if (opts.strict === false) return false;
  throw new TypeError(`${JSON.stringify(v)} is not a valid boolean: use one of yes/no, true/false, on/off, 1/0`);
}
