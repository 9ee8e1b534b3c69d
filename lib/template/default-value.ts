// The value of `| default(value)` as the compiler passes it: a thunk, so that an undefined value
// that is never used is no error (Jinja evaluates it to an Undefined that fails only when used).
export class LazyValue {
  constructor(private readonly thunk: () => unknown) {}
  get(): unknown {
    return this.thunk();
  }
}
