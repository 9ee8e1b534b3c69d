import { expect } from 'chai';
import { defineRole, roleVars, v } from '../../lib/index.js';
import type { RoleInstance } from '../../lib/dsl/types.js';
import type { ModuleDef, ModuleResult } from '../../lib/modules/types.js';
import { validateArgs, validateRoleVar } from '../../lib/executor/validate.js';

// Run-time validation of module arguments and role variables (validate.ts): the message names the
// argument by its path and says what is allowed, in words a user can act on.

const mod = (schema: object) => ({ name: 'm', schema, run: async () => ({ changed: false }) }) as unknown as ModuleDef<unknown, ModuleResult>;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9.]*$', description: 'a sysctl key such as net.ipv4.ip_forward' },
    raw: { type: 'string', pattern: '^x+$' },
    state: { enum: ['present', 'absent'] },
    count: { type: 'integer' },
    'a/b~c': { type: 'object', properties: { inner: { type: 'string', pattern: '^[0-9]+$', description: 'digits' } } },
    opts: {
      type: 'object',
      additionalProperties: false,
      required: ['key'],
      properties: { key: { type: 'string' }, list: { type: 'array', items: { type: 'string', pattern: '^y$', description: 'the letter y' } } },
    },
  },
  if: { properties: { state: { const: 'absent' } } },
  then: { properties: { count: { maximum: 0 } } },
};

describe('validateArgs: module arguments checked at run time', () => {
  const m = mod(schema);
  it('valid args give no message', () => {
    expect(validateArgs(m, { name: 'net.ipv4', state: 'present', opts: { key: 'k', list: ['y'] } })).to.deep.equal([]);
  });

  it('a pattern with a description says what is allowed and the value given; without one, the regex', () => {
    expect(validateArgs(m, { name: 'Bad-Key' })).to.deep.equal([`argument 'name' must be a sysctl key such as net.ipv4.ip_forward; got "Bad-Key"`]);
    expect(validateArgs(m, { name: 'k', raw: 'y' })).to.deep.equal([`argument 'raw' must match pattern "^x+$"`]);
  });

  it('nested paths: dots between levels, list indexes, JSON-pointer escapes undone', () => {
    expect(validateArgs(m, { name: 'k', opts: { key: 'k', list: ['y', 'n'] } })).to.deep.equal([`argument 'opts.list.1' must be the letter y; got "n"`]);
    expect(validateArgs(m, { name: 'k', 'a/b~c': { inner: 'x' } })).to.deep.equal([`argument 'a/b~c.inner' must be digits; got "x"`]);
  });

  it('unknown and missing arguments, at the top and nested', () => {
    expect(validateArgs(m, { name: 'k', bogus: 1 })).to.deep.equal([`unknown argument 'bogus'`]);
    expect(validateArgs(m, { name: 'k', opts: { key: 'k', extra: 1 } })).to.deep.equal([`unknown argument 'opts.extra'`]);
    expect(validateArgs(m, {})).to.deep.equal([`missing argument 'name'`]);
    expect(validateArgs(m, { name: 'k', opts: {} })).to.deep.equal([`missing argument 'opts.key'`]);
  });

  it('enums list the allowed values; other keywords use the validator message', () => {
    expect(validateArgs(m, { name: 'k', state: 'gone' })).to.deep.equal([`argument 'state' must be one of "present", "absent"`]);
    expect(validateArgs(m, { name: 'k', count: 'two' })).to.deep.equal([`argument 'count' must be integer`]);
  });

  it("an if/then failure reports the then part only, not ajv's 'must match then schema'", () => {
    expect(validateArgs(m, { name: 'k', state: 'absent', count: 2 })).to.deep.equal([`argument 'count' must be <= 0`]);
  });

  it('a pattern whose schema is unreachable falls back to the regex message', () => {
    // a pattern in a sub-schema reached through $ref-less anyOf: its description is not looked up
    const any = mod({ type: 'object', properties: { v: { anyOf: [{ type: 'string', pattern: '^a$' }, { type: 'integer' }], description: 'ignored here' } } });
    expect(validateArgs(any, { v: 'b' })).to.deep.equal([`argument 'v' must match pattern "^a$"`, `argument 'v' must be integer`, `argument 'v' must match a schema in anyOf`]);
  });
});

describe('validateRoleVar: one declared variable as the role receives it', () => {
  const role = defineRole({
    name: 'r',
    vars: roleVars({ port: v.integer(), mode: v.enum('a', 'b'), 'we/ird~key': v.string(), nested: v.object({ x: v.integer() }), need: v.string() }),
    tasks: () => undefined,
  }) as unknown as RoleInstance;

  it('undefined for a variable the role does not declare; no message for a good value', () => {
    expect(validateRoleVar(role, 'other', 1)).to.equal(undefined);
    expect(validateRoleVar(role, 'toString', 1)).to.equal(undefined);
    expect(validateRoleVar(role, 'port', 8080)).to.deep.equal([]);
  });

  it("names the variable, and only this variable's errors (not other required ones)", () => {
    expect(validateRoleVar(role, 'port', 'x')).to.deep.equal([`variable 'port' must be integer`]);
    expect(validateRoleVar(role, 'mode', 'c')).to.deep.equal([`variable 'mode' must be one of "a", "b"`]);
    expect(validateRoleVar(role, 'nested', { x: 'y' })).to.deep.equal([`variable 'nested.x' must be integer`]);
    expect(validateRoleVar(role, 'we/ird~key', { not: 'text' })).to.deep.equal([`variable 'we/ird~key' must be string`]);
  });

  it('a role whose schema has no properties declares nothing', () => {
    const bare = { ...role, spec: { ...role.spec, vars: { json: { type: 'object' } } } } as unknown as RoleInstance;
    expect(validateRoleVar(bare, 'port', 1)).to.equal(undefined);
  });
});
