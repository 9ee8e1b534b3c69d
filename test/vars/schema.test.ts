import { expect } from 'chai';
import { validatorFor } from '../../lib/executor/validators.js';
import { roleVars, v } from '../../lib/vars/schema.js';

// The role variable schema builders: each accepts what its type says and refuses the rest, as the
// run-time check (ajv, coercing scalars as INI and -e values need: '8080' is an integer, 'false'
// a boolean, 3 a string) applies them to values from inventories and -e.

const accepts = (schema: { json: unknown }, value: unknown): boolean => validatorFor(schema.json as object)(value) as boolean;

describe('role variable schemas (v.*)', () => {
  const table: [string, { json: unknown }, unknown[], unknown[]][] = [
    ['string', v.string(), ['a', '', 3], [['a'], { a: 1 }]],
    ['string with pattern', v.string({ pattern: '^v\\d+$' }), ['v1'], ['1', 'v', 3]],
    ['string with enum', v.string({ enum: ['a', 'b'] }), ['a', 'b'], ['c', 1]],
    ['enum', v.enum('ipvs', 'iptables'), ['ipvs'], ['nft', 1, null]],
    ['number', v.number(), [1, 1.5, -2, '2.5'], ['x', [1], {}]],
    ['integer', v.integer(), [1, -3, '8080'], [1.5, '1.5', 'x', [1]]],
    ['boolean', v.boolean(), [true, false, 'false'], ['yes', 'x', 2, [true]]],
    ['unknown', v.unknown(), [1, 'x', null, [1], { a: 1 }], []],
    ['array of integers', v.array(v.integer()), [[], [1, 2]], [[1, 'x'], 'x', { 0: 1 }]],
    ['record of strings', v.record(v.string()), [{}, { a: 'x' }], [{ a: [1] }, ['x'], 'x']],
    ['object', v.object({ address: v.string(), port: v.integer(), note: v.optional(v.string()) }), [{ address: 'a', port: 1 }, { address: 'a', port: 1, note: 'n' }], [{ address: 'a' }, { address: 'a', port: 'x' }, { address: 'a', port: 1, note: [2] }, 'x']],
    ['oneOf', v.oneOf(v.integer(), v.string({ pattern: '^\\d+%$' })), [3, '20%'], ['x', 1.5, [1]]],
  ];
  for (const [name, schema, good, bad] of table) {
    it(`${name}: accepts ${JSON.stringify(good)}, refuses ${JSON.stringify(bad)}`, () => {
      for (const g of good) expect(accepts(schema, g), JSON.stringify(g)).to.equal(true);
      for (const b of bad) expect(accepts(schema, b), JSON.stringify(b)).to.equal(false);
    });
  }

  it('optional marks the variable optional; others are required in roleVars', () => {
    expect(v.optional(v.string()).optional).to.equal(true);
    expect(v.string().optional).to.equal(false);
    const rv = roleVars({ a: v.string(), b: v.optional(v.integer()) });
    expect((rv.json as { required: string[] }).required).to.deep.equal(['a']);
    expect(accepts(rv, { a: 'x' })).to.equal(true);
    expect(accepts(rv, { b: 1 })).to.equal(false);
    expect(rv.shape).to.have.keys(['a', 'b']);
  });
});
