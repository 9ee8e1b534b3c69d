import { expect } from 'chai';
import { set_fact } from '../../lib/modules/set_fact.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { runModule, testContext } from '../helpers/sandbox.js';

describe('set_fact module', () => {
  const conn = new LocalConnection('localhost');
  const rows = [
    { title: 'sets facts of any type', args: { kube_upgrade: true, etcd_members: ['etcd1', 'etcd2'], retries: 3 }, facts: { kube_upgrade: true, etcd_members: ['etcd1', 'etcd2'], retries: 3 } },
    { title: 'cacheable is accepted and not a fact', args: { node_ready: 'yes', cacheable: true }, facts: { node_ready: 'yes' } },
  ];
  for (const r of rows) {
    it(r.title, async () => {
      const ctx = testContext(conn);
      const res = await runModule(set_fact, r.args, ctx);
      expect(res).to.deep.equal({ changed: false, ansible_facts: r.facts });
      expect(ctx.facts).to.deep.equal(r.facts);
    });
  }
  it('an invalid variable name fails clearly', async () => {
    const res = await runModule(set_fact, { 'bad-name': 1 }, testContext(conn));
    expect(res.failed).to.equal(true);
    expect(res.msg).to.match(/invalid variable name.*"bad-name"/);
  });
});
