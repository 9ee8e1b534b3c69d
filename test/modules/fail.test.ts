import { expect } from 'chai';
import { fail } from '../../lib/modules/fail.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { runModule, testContext } from '../helpers/sandbox.js';

describe('fail module', () => {
  const conn = new LocalConnection('localhost');
  const rows = [
    { title: 'fails with msg', args: { msg: 'Drain failed on node1: node was uncordoned' }, msg: 'Drain failed on node1: node was uncordoned' },
    { title: 'fails with Ansible\'s default message', args: {}, msg: 'Failed as requested from task' },
  ];
  for (const r of rows) {
    it(r.title, async () => {
      const res = await runModule(fail, r.args, testContext(conn));
      expect(res).to.include({ failed: true, changed: false, msg: r.msg });
    });
  }
  it('fails in check mode too', async () => {
    const res = await runModule(fail, { msg: 'stop' }, testContext(conn, { check: true }));
    expect(res.failed).to.equal(true);
  });
});
