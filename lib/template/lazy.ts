// Ansible-style lazy variables: a string value holding {{ }} is rendered the first time it is
// read, against the same variables (so vars may refer to vars), and the result is cached.
// Nested dicts and lists are wrapped the same way. A variable that needs itself is reported
// as a recursive loop instead of overflowing the stack.

import { TemplateError } from './errors.js';
import { isTemplated, templateRaw } from './native.js';
import { markLazy } from './lazy-marker.js';
import { MAX_VAR_DEPTH } from './limits.js';
import { isSecretName, noteDerived, noteIfSecret, noteSecret, secretReads } from '../util/secrets.js';
import type { Vars } from './types.js';

const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/** A value computed on first read (a role default given as a function of the host). */
export class Deferred {
  constructor(readonly compute: () => unknown) {}
}

export interface LazyOptions {
  host?: string;
  /** called with each top-level variable's value when it is first read (role variable checks) */
  onRead?: (key: string, value: unknown) => void;
}

export function lazyVars(raw: Vars, opts: LazyOptions): Vars {
  const proxies = new WeakMap<object, object>();
  const cache = new WeakMap<object, Map<PropertyKey, unknown>>();
  const inProgress = new Map<object, Set<PropertyKey>>();
  /** keys whose rendered value came from a secret: reading them again is a secret read too */
  const tainted = new WeakMap<object, Set<PropertyKey>>();
  const chain: string[] = [];
  let root: Vars;

  const childPath = (prefix: string, key: string, isArray: boolean) =>
    prefix === '' ? key : isArray ? `${prefix}[${key}]` : `${prefix}.${key}`;

  const resolve = (target: object, key: string, value: unknown, where: string): unknown => {
    const busy = inProgress.get(target) ?? new Set<PropertyKey>();
    inProgress.set(target, busy);
    if (busy.has(key)) {
      const loop = [...chain.slice(chain.indexOf(where)), where].join(' -> ');
      throw new TemplateError(`recursive loop detected in variable '${where}' (${loop})`, `variable '${where}'`, undefined, opts.host);
    }
    if (chain.length >= MAX_VAR_DEPTH) {
      const shown = [...chain.slice(0, 3), '...', ...chain.slice(-2), where].join(' -> ');
      throw new TemplateError(`variables nest more than ${MAX_VAR_DEPTH} deep (${shown}); make a chain of variables that refer to variables shorter`, `variable '${where}'`, undefined, opts.host);
    }
    busy.add(key);
    chain.push(where);
    try {
      const before = secretReads();
      const out = templateRaw(value, root, { name: `variable '${where}'`, host: opts.host, literal: true });
      // rendered from a secret: a secret too (util/secrets.ts)
      if (secretReads() !== before) {
        noteDerived(out);
        (tainted.get(target) ?? tainted.set(target, new Set()).get(target)!).add(key);
      }
      return out;
    } finally {
      busy.delete(key);
      chain.pop();
    }
  };

  const compute = (d: Deferred, where: string): unknown => {
    try {
      return d.compute();
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateError(`its default function failed: ${e instanceof Error ? e.message : String(e)}`, `variable '${where}'`, undefined, opts.host);
    }
  };

  const wrap = <T extends object>(target: T, prefix: string): T => {
    const existing = proxies.get(target);
    if (existing) return existing as T;
    const isArray = Array.isArray(target);
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === 'symbol' || !hasOwn(t, key)) return Reflect.get(t, key, receiver);
        const done = cache.get(t);
        if (done?.has(key)) {
          const v = done.get(key);
          if (isSecretName(key)) noteSecret(v);
          else if (tainted.get(t)?.has(key)) noteDerived(v);
          else noteIfSecret(v);
          return v;
        }
        const value = (t as Record<string, unknown>)[key];
        const needsWork = (typeof value === 'string' && isTemplated(value)) || (value !== null && typeof value === 'object');
        if (!needsWork) {
          if (isSecretName(key)) noteSecret(value);
          else noteIfSecret(value);
          if (t === raw) opts.onRead?.(key, value);
          return value;
        }
        const d = Object.getOwnPropertyDescriptor(t, key);
        if (d && !d.configurable && !d.writable) return value; // proxy invariant: must stay as is
        let memo = cache.get(t);
        if (!memo) { memo = new Map(); cache.set(t, memo); }
        const where = childPath(prefix, key, isArray);
        const out = typeof value === 'string' ? resolve(t, key, value, where) : value instanceof Deferred ? compute(value, where) : wrap(value as object, where);
        if (t === raw) opts.onRead?.(key, out);
        memo.set(key, out);
        if (isSecretName(key)) noteSecret(value !== null && typeof value === 'object' ? value : out);
        return out;
      },
      set() { return false; },
      deleteProperty() { return false; },
      defineProperty() { return false; },
    });
    markLazy(proxy);
    proxies.set(target, proxy);
    return proxy;
  };

  root = wrap(raw, '');
  return root;
}
