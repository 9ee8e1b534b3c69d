// Ansible's `omit`: a placeholder string a module argument may be set to (`mode: "{{ m |
// default(omit) }}"`); arguments equal to it are dropped before the module runs, in nested
// dicts and in dicts inside lists too (ansible-core's remove_omit). One token per run, random
// as Ansible's, so no real value can collide with it.
import { createHash, randomBytes } from 'node:crypto';
import { isDict } from './pyvalues.js';

export const OMIT_TOKEN = `__omit_place_holder__${createHash('sha1').update(randomBytes(64)).digest('hex')}`;

/** Module arguments without those equal to the omit token (remove_omit). */
export function removeOmit<T>(args: T): T {
  if (!isDict(args)) return args;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === OMIT_TOKEN) continue;
    out[k] = isDict(v) ? removeOmit(v) : Array.isArray(v) ? v.map((x) => removeOmit(x)) : v;
  }
  return out as T;
}
