import { expect } from 'chai';
import { explain } from '../../lib/cli/errors.js';
import { UserError } from '../../lib/util/errors.js';

// What the CLI prints for an error: the user's errors as their message alone, ours with a hint
// that leads to a stack trace that names lib/ files (the prebuilt engine's own is minified).
describe('tsplay error output', () => {
  const key = Symbol.for('tsplay.engine');
  const g = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete g[key];
    delete process.env.TSPLAY_DEBUG;
  });

  it("a user's error is its message; an internal one says how to get details", () => {
    expect(explain(new UserError('bad inventory line'))).to.equal('bad inventory line');
    expect(explain(new Error('boom'))).to.equal('boom (internal error; run again with TSPLAY_DEBUG=1 for details and report it)');
  });

  it('under the prebuilt engine the hint also turns the bundle off, for readable frames', () => {
    g[key] = { dir: '/x', lib: '/y', public: [] };
    expect(explain(new Error('boom'))).to.include('run again with TSPLAY_DEBUG=1 TSPLAY_NO_BUNDLE=1 for details');
  });

  it('TSPLAY_DEBUG=1 prints the stack', () => {
    process.env.TSPLAY_DEBUG = '1';
    const e = new Error('boom');
    expect(explain(e)).to.equal(e.stack);
  });
});
