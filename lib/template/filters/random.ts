// Ansible's random and shuffle filters. With a seed they are Python's random.Random(seed)
// (pyrandom.ts), so `random(seed=inventory_hostname)` picks what Ansible picks; without one
// they use the operating system's randomness, as Ansible's SystemRandom does.

import { TemplateFault } from '../errors.js';
import { PyRandom } from '../pyrandom.js';
import { normInt } from '../pyint.js';
import { isDict, truthy, typeName } from '../pyvalues.js';
import { arg, type FilterFn } from './types.js';

type Seed = string | number | bigint | boolean | null;

function seedOf(v: unknown): Seed {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  throw new TemplateFault(`The only supported seed types are: None, int, float, str, bytes, and bytearray (got ${typeName(v)})`);
}

function toBig(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new TemplateFault(`${what} must be an integer, got ${typeName(v)}`);
}

function generator(seed: Seed): PyRandom {
  try {
    return new PyRandom(seed);
  } catch (e) {
    throw new TemplateFault((e as Error).message);
  }
}

export const RANDOM_FILTERS: Record<string, FilterFn> = {
  random: (end, a, kw) => {
    const r = generator(seedOf(arg(a, kw, 2, 'seed', null)));
    const start = arg<unknown>(a, kw, 0, 'start', null);
    const step = arg<unknown>(a, kw, 1, 'step', null);
    try {
      if (typeof end === 'bigint' || typeof end === 'boolean' || (typeof end === 'number' && Number.isInteger(end))) {
        const s = truthy(start) ? toBig(start, 'start') : 0n;
        const st = truthy(step) ? toBig(step, 'step') : 1n;
        return normInt(r.randrange(s, toBig(end, 'end'), st));
      }
      if (Array.isArray(end) || typeof end === 'string' || isDict(end)) {
        if (truthy(start) || truthy(step)) throw new TemplateFault('start and step can only be used with integer values');
        if (isDict(end)) throw new TemplateFault('random cannot choose from a dict'); // Python: KeyError on seq[int]
        return r.choice(typeof end === 'string' ? [...end] : end);
      }
    } catch (e) {
      if (e instanceof TemplateFault) throw e;
      throw new TemplateFault((e as Error).message);
    }
    throw new TemplateFault('random can only be used on sequences and integers');
  },
  shuffle: (v, a, kw) => {
    if (!Array.isArray(v) && typeof v !== 'string' && !isDict(v)) return v; // Ansible returns what list() cannot take
    const items: unknown[] = Array.isArray(v) ? [...v] : typeof v === 'string' ? [...v] : Object.keys(v);
    const seed = seedOf(arg(a, kw, 0, 'seed', null));
    generator(truthy(seed) ? seed : null).shuffle(items);
    return items;
  },
};
