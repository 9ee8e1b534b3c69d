// Inventory errors: where (file:line), what was read, what to do; a LineProblem raised deep in
// the loaders gets its place added, anything else passes through untouched.
import { expect } from 'chai';
import { atLine, InventoryError, invError, LineProblem, PatternError } from '../../lib/inventory/errors.js';

describe('inventory errors', () => {
  it('say file:line, then what, the text read and the fix', () => {
    expect(invError({ file: 'h.ini', line: 3 }, 'bad', 'x=', 'fix it').message).to.equal("h.ini:3: bad (text: 'x='); fix it");
    expect(invError({ file: 'h.ini' }, 'bad', undefined, 'fix it').message).to.equal('h.ini: bad; fix it');
    expect(invError({}, 'bad', 'x', 'fix it').message).to.equal("bad (text: 'x'); fix it");
    const e = invError({ file: 'h.ini', line: 3 }, 'bad', 'x=', 'fix it');
    expect([e.file, e.line, e.text, e.name]).to.deep.equal(['h.ini', 3, 'x=', 'InventoryError']);
    expect(new PatternError('p').name).to.equal('PatternError');
  });

  it('atLine places a LineProblem and lets every other error through as it was', () => {
    const placed = (() => {
      try {
        atLine({ file: 'h.ini', line: 7 }, 'h1 foo', () => {
          throw new LineProblem('what', 'how');
        });
      } catch (e) {
        return e;
      }
    })();
    expect(placed).to.be.instanceOf(InventoryError);
    expect((placed as Error).message).to.equal("h.ini:7: what (text: 'h1 foo'); how");
    const other = new TypeError('a bug');
    expect(() => atLine({ file: 'h.ini', line: 7 }, 'x', () => { throw other; })).to.throw(other);
    expect(atLine({ file: 'h.ini' }, 'x', () => 42)).to.equal(42);
  });
});
