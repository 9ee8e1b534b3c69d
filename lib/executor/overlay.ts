import type { Vars } from '../dsl/types.js';

/** A read-only view of `base` with a few keys on top (no copy of the lazily templated base). */
export function overlay(base: Vars, top: Vars): Vars {
  return new Proxy(base, {
    get: (t, k) => (typeof k === 'string' && k in top ? top[k] : Reflect.get(t, k)),
    has: (t, k) => (typeof k === 'string' && k in top) || Reflect.has(t, k),
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...Object.keys(top)])],
    getOwnPropertyDescriptor: (t, k) =>
      typeof k === 'string' && k in top ? { enumerable: true, configurable: true, value: top[k] } : Reflect.getOwnPropertyDescriptor(t, k),
  });
}
