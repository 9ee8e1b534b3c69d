import { expect } from 'chai';
import { lazyVars, renderString, templateValue, TemplateError } from '../../lib/template/index.js';

describe('lazyVars', () => {
  const raw = {
    etcd_peer_port: 2380,
    etcd_address: '127.0.10.1',
    etcd_peer_url: 'https://{{ etcd_address }}:{{ etcd_peer_port }}',
    etcd_urls: '{{ [etcd_peer_url, etcd_client_url] }}',
    etcd_client_url: 'https://{{ etcd_address }}:2379',
    nested: { url: '{{ etcd_peer_url }}/x', list: ['{{ etcd_peer_port }}', 'plain', { deep: '{{ etcd_address }}' }] },
    port_plus: '{{ etcd_peer_port + 1 }}',
    a: '{{ b }}', b: '{{ c }}', c: '{{ a }}',
    self: '{{ self }}x',
    bad: '{{ nope }}',
  };

  it('renders chains of variables that refer to variables', () => {
    const v = lazyVars(raw, { host: 'e1' });
    expect(v.etcd_peer_url).to.equal('https://127.0.10.1:2380');
    expect(v.etcd_urls).to.deep.equal(['https://127.0.10.1:2380', 'https://127.0.10.1:2379']);
    expect(v.port_plus).to.equal(2381);
  });

  it('templates nested dicts and lists on access', () => {
    const v = lazyVars(raw, {}) as { nested: { url: string; list: unknown[] } };
    expect(v.nested.url).to.equal('https://127.0.10.1:2380/x');
    expect(v.nested.list[0]).to.equal(2380);
    expect(v.nested.list[2]).to.deep.equal({ deep: '127.0.10.1' });
    expect(Array.isArray(v.nested.list)).to.equal(true);
    expect(v.nested.list.map((x) => typeof x)).to.deep.equal(['number', 'string', 'object']);
  });

  it('renders each value once and caches it', () => {
    let reads = 0;
    const counting = { get x() { reads++; return '{{ 1 + 1 }}'; } };
    const v = lazyVars(counting, {});
    expect([v.x, v.x, v.x]).to.deep.equal([2, 2, 2]);
    expect(reads).to.equal(1);
  });

  it('does not render values that are never read', () => {
    const v = lazyVars(raw, {});
    expect(v.etcd_address).to.equal('127.0.10.1'); // 'bad' and the cycles are untouched
  });

  it('supports in, Object.keys and JSON.stringify', () => {
    const v = lazyVars({ a: '{{ b }}', b: 1, n: { m: ['{{ b }}'] } }, {});
    expect('a' in v).to.equal(true);
    expect('zz' in v).to.equal(false);
    expect(Object.keys(v)).to.deep.equal(['a', 'b', 'n']);
    expect(JSON.parse(JSON.stringify(v))).to.deep.equal({ a: 1, b: 1, n: { m: [1] } });
  });

  it('reports a cycle as a recursive loop naming the variable', () => {
    const v = lazyVars(raw, { host: 'e1' });
    expect(() => v.a).to.throw(TemplateError, /recursive loop detected in variable 'a' \(a -> b -> c -> a\)/);
    expect(() => v.self).to.throw(TemplateError, /host e1: recursive loop detected in variable 'self'/);
  });

  it('names the variable whose template failed', () => {
    const v = lazyVars(raw, { host: 'e1' });
    expect(() => v.bad).to.throw(TemplateError, "variable 'bad':1: host e1: undefined variable 'nope'");
  });

  it('works as the vars of a render, and results leave as plain data', () => {
    const v = lazyVars(raw, {});
    expect(renderString('{{ nested.url }} {{ etcd_peer_url is defined }}', v, { name: 't' })).to.equal('https://127.0.10.1:2380/x True');
    const out = templateValue<unknown>("{{ nested }}", v, { name: "t" }) as Record<string, unknown>;
    expect(out).to.deep.equal({ url: 'https://127.0.10.1:2380/x', list: [2380, 'plain', { deep: '127.0.10.1' }] });
    (out as { url: string }).url = 'writable copy';
    expect(out.url).to.equal('writable copy');
  });

  it('is read-only', () => {
    const v = lazyVars({ a: 1 }, {});
    expect(() => { (v as Record<string, unknown>).a = 2; }).to.throw(TypeError);
  });
});
