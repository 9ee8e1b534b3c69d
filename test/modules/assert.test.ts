import { expect } from 'chai';
import { assert, type AssertArgs } from '../../lib/modules/assert.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { runModule, testContext } from '../helpers/sandbox.js';

const vars = {
  kube_version: 'v1.29.3',
  groups: { etcd: ['etcd1', 'etcd2', 'etcd3'] },
  drain_timeout: '360s',
  upgrade: true,
};

const rows: { title: string; args: AssertArgs; failed: boolean; msg: string; assertion?: string | boolean }[] = [
  { title: 'all true passes with the default message', args: { that: ['groups.etcd | length is odd', "kube_version is version('v1.28.0', '>=')"] }, failed: false, msg: 'All assertions passed' },
  { title: 'a single string and success_msg', args: { that: 'upgrade', success_msg: 'ok to upgrade' }, failed: false, msg: 'ok to upgrade' },
  { title: 'a boolean condition', args: { that: [true, 'drain_timeout.endswith("s")'] }, failed: false, msg: 'All assertions passed' },
  { title: 'the first false expression fails with fail_msg', args: { that: ['upgrade', 'groups.etcd | length == 2', 'false'], fail_msg: 'etcd needs 2 members' }, failed: true, msg: 'etcd needs 2 members', assertion: 'groups.etcd | length == 2' },
  { title: 'msg is an alias of fail_msg', args: { that: 'not upgrade', msg: 'upgrade is on' }, failed: true, msg: 'upgrade is on', assertion: 'not upgrade' },
  { title: 'default failure message', args: { that: [false] }, failed: true, msg: 'Assertion failed', assertion: false },
];

describe('assert module', () => {
  const conn = new LocalConnection('localhost');
  for (const r of rows) {
    it(r.title, async () => {
      const ctx = testContext(conn, { vars });
      const res = await runModule(assert, r.args, ctx);
      expect(res.changed).to.equal(false);
      expect(!!res.failed).to.equal(r.failed);
      expect(res.msg).to.equal(r.msg);
      if (r.failed) expect(res.assertion).to.deep.equal(r.assertion);
    });
  }

  it('quiet does not print the success message', async () => {
    const loud = testContext(conn, { vars });
    await runModule(assert, { that: 'upgrade' }, loud);
    expect(loud.logged).to.deep.equal(['All assertions passed']);
    const quiet = testContext(conn, { vars });
    await runModule(assert, { that: 'upgrade', quiet: true }, quiet);
    expect(quiet.logged).to.deep.equal([]);
  });

  it('an undefined variable fails naming the expression', async () => {
    const res = await runModule(assert, { that: 'etcd_member_name == "etcd1"' }, testContext(conn, { vars }));
    expect(res.failed).to.equal(true);
    expect(res.msg).to.match(/cannot evaluate "etcd_member_name == \\"etcd1\\"".*etcd_member_name/);
  });

  it('keeps that raw: the executor must not pre-render it', () => {
    expect(assert.def.rawArgs).to.deep.equal(['that']);
  });
});
