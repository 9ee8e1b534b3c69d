// Validators compiled by ajv are saved as code (lib/executor/validators.ts) and loaded by later
// runs instead of compiled again. A loaded one must behave as the compiled one; a damaged file
// must be replaced, never trusted or fatal.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { validatorFile, validatorFor } from '../../lib/executor/validators.js';

// a schema no other test uses, so its file is this test's own
const schema = () => ({
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1 },
    mode: { type: 'string', default: '0644' },
    count: { type: 'integer' },
    state: { enum: ['present', 'absent'] },
    validators_test_marker: { type: 'boolean' },
  },
});

describe('saved argument validators', () => {
  const file = validatorFile(schema())!;
  beforeEach(() => rmSync(file, { force: true }));
  after(() => rmSync(file, { force: true }));

  it('the first use compiles and saves the validator; a later one loads it and behaves the same', () => {
    const compiled = validatorFor(schema());
    expect(existsSync(file)).to.equal(true);
    const loaded = validatorFor(schema()); // an equal schema, another object: read from the file
    for (const fn of [compiled, loaded]) {
      const ok = { path: '/x', count: '3' };
      expect(fn(ok)).to.equal(true);
      expect(ok).to.deep.equal({ path: '/x', count: 3, mode: '0644' }); // coerced, defaulted
      const bad = { path: '', state: 'gone', extra: 1 };
      expect(fn(bad)).to.equal(false);
      expect(fn.errors!.map((e) => e.keyword).sort()).to.deep.equal(['additionalProperties', 'enum', 'minLength']);
    }
  });

  it('uses what the file says (so a saved validator is really loaded), and replaces a damaged file', () => {
    validatorFor(schema());
    writeFileSync(file, 'module.exports.default = function v() { v.errors = [{ keyword: "saved" }]; return false; };');
    const fromFile = validatorFor(schema());
    expect(fromFile({ path: '/x' })).to.equal(false);
    expect(fromFile.errors![0]!.keyword).to.equal('saved');

    writeFileSync(file, 'this is not javascript {');
    const recompiled = validatorFor(schema());
    expect(recompiled({ path: '/x' })).to.equal(true);
    expect(readFileSync(file, 'utf8')).to.include('validate');
  });
});
