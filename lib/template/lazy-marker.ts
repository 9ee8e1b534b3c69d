// Which objects are lazy-vars proxies (lazy.ts makes them; native.ts copies them out).
const LAZY = new WeakSet<object>();
export function markLazy(o: object): void { LAZY.add(o); }
export function isLazy(o: object): boolean { return LAZY.has(o); }
