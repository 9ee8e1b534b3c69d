// Jinja's namespace(): an object whose attributes `{% set ns.x = ... %}` may change from inside a
// loop (plain `set` in a loop body does not reach outside it). kubespray's openssl.conf counts
// its SAN entries with one.
import { pyRepr } from './pyvalues.js';

export class Namespace {
  [key: string]: unknown;

  constructor(init: Record<string, unknown>) {
    Object.assign(this, init);
  }

  toString(): string {
    return `<Namespace {${Object.keys(this).map((k) => `${pyRepr(k)}: ${pyRepr(this[k])}`).join(', ')}}>`;
  }
}
