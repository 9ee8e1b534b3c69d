import { expect } from 'chai';
import { defineRole, roleVars, v } from '../../lib/index.js';
import type { RoleInstance } from '../../lib/dsl/types.js';
import { unknownRoleKeys } from '../../lib/executor/rolekeys.js';
import { overlay } from '../../lib/executor/overlay.js';
import { badOrder, HOST_ORDERS, orderHosts } from '../../lib/executor/order.js';
import { lazyVars } from '../../lib/template/index.js';

// Small executor parts with exact answers: the role-key check a run makes before any host is
// touched, the register overlay until sees, and a play's host order.

describe('unknownRoleKeys: every key given to a role must be one it declares', () => {
  const app = defineRole({
    name: 'app',
    vars: roleVars({ app_port: v.integer(), app_dir: v.string() }),
    defaults: { app_port: 80, app_dir: '/opt' },
    tasks: () => undefined,
  });
  const inst = (r: unknown) => r as RoleInstance;

  it('a role given only declared keys has no problem', () => {
    expect(unknownRoleKeys(inst(app.with({ app_port: 9 })))).to.deep.equal([]);
  });

  it('a misspelled param names the .with call, the role, the key and the likely meant one', () => {
    const bad = inst(app.with({ app_prot: 9 } as never));
    const [msg, ...rest] = unknownRoleKeys(bad);
    expect(rest).to.deep.equal([]);
    expect(msg).to.equal(
      `${bad.paramsAt!.app_prot}: role 'app' has no variable 'app_prot' (in .with({...})); did you mean 'app_port'? (a role takes only the variables its roleVars declare)`,
    );
    expect(bad.paramsAt!.app_prot).to.match(/rolekeys-overlay-order\.test\.ts:\d+$/);
  });

  it('unknown keys in defaults and roleVars name the defineRole call, and say which', () => {
    const r = inst(
      defineRole({
        name: 'odd',
        vars: roleVars({ known: v.string() }),
        defaults: { known: 'k', extra_default: 1 } as never,
        roleVars: { extra_rolevar: 2 } as never,
        tasks: () => undefined,
      }),
    );
    expect(unknownRoleKeys(r)).to.deep.equal([
      `${r.definedAt}: role 'odd' has no variable 'extra_default' (in defaults) (a role takes only the variables its roleVars declare)`,
      `${r.definedAt}: role 'odd' has no variable 'extra_rolevar' (in roleVars) (a role takes only the variables its roleVars declare)`,
    ]);
  });

  it('without a defineRole location the role is named with its dir', () => {
    const r = inst(app.with({ nope: 1 } as never));
    const bare = { ...r, definedAt: undefined, paramsAt: undefined } as RoleInstance;
    expect(unknownRoleKeys(bare)).to.deep.equal([`role app (${r.dir}): role 'app' has no variable 'nope' (in .with({...})) (a role takes only the variables its roleVars declare)`]);
  });

  it('a role whose schema admits any key (additionalProperties) is not checked; false or absent is', () => {
    const open = (extra: unknown) =>
      inst({ ...inst(app), params: { anything: 1 }, spec: { ...inst(app).spec, vars: { json: { type: 'object', properties: { app_port: {}, app_dir: {} }, ...(extra === undefined ? {} : { additionalProperties: extra }) } } } });
    expect(unknownRoleKeys(open(true))).to.deep.equal([]);
    expect(unknownRoleKeys(open({ type: 'string' }))).to.deep.equal([]);
    expect(unknownRoleKeys(open(false))).to.have.length(1);
    expect(unknownRoleKeys(open(undefined))).to.have.length(1);
    const noProps = inst({ ...inst(app), params: { anything: 1 }, spec: { ...inst(app).spec, vars: { json: { type: 'object' } } } });
    expect(unknownRoleKeys(noProps)).to.deep.equal([]);
    const noSchema = inst({ ...inst(app), params: { anything: 1 }, spec: { ...inst(app).spec, vars: {} } });
    expect(unknownRoleKeys(noSchema)).to.deep.equal([]);
  });
});

describe('overlay: a read-only view with a few keys on top', () => {
  it('reads, tests, lists and describes the top keys over the base ones', () => {
    const base = { a: 1, b: 2 };
    const o = overlay(base, { b: 20, c: 30 });
    expect([o.a, o.b, o.c, o.d]).to.deep.equal([1, 20, 30, undefined]);
    expect(['a' in o, 'b' in o, 'c' in o, 'd' in o]).to.deep.equal([true, true, true, false]);
    expect(Object.keys(o)).to.deep.equal(['a', 'b', 'c']);
    expect({ ...o }).to.deep.equal({ a: 1, b: 20, c: 30 });
    expect(JSON.stringify(o)).to.equal('{"a":1,"b":20,"c":30}');
    expect(Object.getOwnPropertyDescriptor(o, 'c')).to.deep.equal({ enumerable: true, configurable: true, writable: false, value: 30 });
    expect(Object.getOwnPropertyDescriptor(o, 'a')).to.deep.equal({ enumerable: true, configurable: true, writable: true, value: 1 });
    expect(base).to.deep.equal({ a: 1, b: 2 });
  });

  it('leaves symbol keys to the base, and keeps a lazily templated base lazy', () => {
    const sym = Symbol('s');
    const base = Object.assign({ x: 1 }, { [sym]: 'base' });
    const o = overlay(base, { y: 2 });
    expect((o as Record<symbol, unknown>)[sym]).to.equal('base');
    expect(sym in o).to.equal(true);
    const lazy = lazyVars({ greeting: 'hi {{ who }}', who: 'there' }, { host: 'h' });
    expect(overlay(lazy, { who: 'ignored' }).greeting).to.equal('hi there');
  });
});

describe('orderHosts: a play\'s host order', () => {
  const hosts = ['b2', 'a1', 'c3', 'a10'];
  it('inventory order by default, reversed, sorted, reverse sorted, never changing the input', () => {
    expect(orderHosts(hosts, undefined)).to.deep.equal(['b2', 'a1', 'c3', 'a10']);
    expect(orderHosts(hosts, 'inventory')).to.deep.equal(['b2', 'a1', 'c3', 'a10']);
    expect(orderHosts(hosts, 'reverse_inventory')).to.deep.equal(['a10', 'c3', 'a1', 'b2']);
    expect(orderHosts(hosts, 'sorted')).to.deep.equal(['a1', 'a10', 'b2', 'c3']);
    expect(orderHosts(hosts, 'reverse_sorted')).to.deep.equal(['c3', 'b2', 'a10', 'a1']);
    expect(hosts).to.deep.equal(['b2', 'a1', 'c3', 'a10']);
  });

  it('shuffle gives every host once, and over many runs puts each host first', () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = orderHosts(hosts, 'shuffle');
      expect([...s].sort()).to.deep.equal([...hosts].sort());
      firsts.add(s[0]);
      // the last place too: a shuffle that never moves the last host is broken
      firsts.add(`last:${s[3]}`);
    }
    expect(firsts.size).to.equal(8);
    expect(hosts).to.deep.equal(['b2', 'a1', 'c3', 'a10']);
  });

  it('refuses an unknown order, listing the known ones', () => {
    expect(HOST_ORDERS).to.deep.equal(['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle']);
    expect(() => orderHosts(hosts, 'random' as never)).to.throw("order 'random' is not one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle");
    expect(badOrder(5)).to.equal("order '5' is not one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle");
  });
});
