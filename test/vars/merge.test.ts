import { expect } from 'chai';
import { mergeLayers, toBool } from '../../lib/vars/merge.js';

describe('mergeLayers (hash_behaviour=replace)', () => {
  it('later layers replace top-level keys wholesale', () => {
    const out = mergeLayers([{ a: 1, d: { x: 1, y: 2 }, keep: true }, { a: 2, d: { x: 9 } }, { b: 3 }]);
    expect(out).to.deep.equal({ a: 2, d: { x: 9 }, keep: true, b: 3 });
  });
  it('does not modify the layers', () => {
    const first = { a: 1 };
    mergeLayers([first, { a: 2 }]);
    expect(first).to.deep.equal({ a: 1 });
  });
  it('no layers give no vars', () => expect(mergeLayers([])).to.deep.equal({}));
});

describe("toBool (Ansible's boolean())", () => {
  const table: [unknown, boolean][] = [
    [true, true], [false, false], ['yes', true], ['Yes', true], ['ON', true], ['y', true], ['t', true], ['1', true], ['true', true], [1, true],
    ['no', false], ['off', false], ['n', false], ['f', false], ['0', false], ['false', false], [' False ', false], [0, false], [null, false], [undefined, false],
  ];
  for (const [v, want] of table) it(`${JSON.stringify(v)} -> ${want}`, () => expect(toBool(v)).to.equal(want));

  for (const v of ['maybe', 2, [], {}]) {
    it(`${JSON.stringify(v)} is an error`, () => expect(() => toBool(v)).to.throw(TypeError, /not a valid boolean/));
  }
  it('non-strict mode reads unknown values as false', () => expect(toBool('maybe', { strict: false })).to.equal(false));
});
