import { expect } from 'chai';
import { wait_for, type WaitForArgs } from '../../lib/modules/wait_for.js';
import { shq } from '../../lib/util/shell.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// Conditions become true (or never do) through real processes inside the sandbox: a listener
// on the sandbox's own loopback, a file created a moment later.

interface Row {
  title: string;
  args: WaitForArgs;
  /** started in the background inside the sandbox before the module runs */
  setup?: string;
  ok: boolean;
  msg?: string;
  /** whole seconds the module must at least have waited: the condition only becomes true after the setup's sleep 2
   *  (a timeout is counted on the shell's whole-second clock, so it can end just short of a second) */
  waits: number;
  /** a condition already met returns at once: an upper bound, generous for a loaded machine */
  atMost?: number;
}

const rows: Row[] = [
  { title: 'a port that opens after a while', setup: 'sleep 2; exec python3 -m http.server 2379 --bind 127.0.0.1', args: { port: 2379, timeout: 20, sleep: 0.2 }, ok: true, waits: 1 },
  { title: 'a closed port times out with Ansible\'s message', args: { port: 2379, timeout: 1, sleep: 0.2 }, ok: false, msg: 'Timeout when waiting for 127.0.0.1:2379', waits: 0 },
  { title: 'state stopped on a closed port returns at once', args: { port: 2379, state: 'stopped', timeout: 5 }, ok: true, waits: 0, atMost: 3 },
  { title: 'state stopped on a port that stays open times out', setup: 'exec python3 -m http.server 2380 --bind 127.0.0.1', args: { port: 2380, state: 'stopped', delay: 1, timeout: 1, sleep: 0.2 }, ok: false, msg: 'Timeout when waiting for 127.0.0.1:2380 to stop.', waits: 1 },
  { title: 'a path created later', setup: 'sleep 2; touch /tmp/ready', args: { path: '/tmp/ready', timeout: 20, sleep: 0.2 }, ok: true, waits: 1 },
  { title: 'search_regex waits for matching content', setup: 'echo starting > /tmp/log; sleep 2; echo "etcd ready to serve" >> /tmp/log', args: { path: '/tmp/log', search_regex: 'ready to (serve|go)', timeout: 20, sleep: 0.2 }, ok: true, waits: 1 },
  { title: 'a missing path times out', args: { path: '/tmp/never', timeout: 1, sleep: 0.2 }, ok: false, msg: 'Timeout when waiting for file /tmp/never', waits: 0 },
  { title: 'absent waits for a path to go', setup: 'touch /tmp/lock; sleep 2; rm /tmp/lock', args: { path: '/tmp/lock', state: 'absent', delay: 0.2, timeout: 20, sleep: 0.2 }, ok: true, waits: 1 },
  { title: 'msg replaces the failure message', args: { path: '/tmp/never', timeout: 0, msg: 'etcd did not come up' }, ok: false, msg: 'etcd did not come up', waits: 0 },
];

describe('wait_for module (in a namespaced sandbox)', function () {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('waitfor');
  });
  after(async () => sb?.stop());
  afterEach(async () => {
    await sb.conn.exec('[ -e /tmp/bg.pid ] && kill "$(cat /tmp/bg.pid)"; rm -f /tmp/bg.pid /tmp/ready /tmp/log /tmp/lock; true');
  });

  for (const r of rows) {
    it(r.title, async () => {
      // the background job is detached from the exec's pipes so the exec returns at once
      if (r.setup) await sh(sb.conn, `setsid sh -c ${shq('echo $$ > /tmp/bg.pid; ' + r.setup)} </dev/null >/dev/null 2>&1 &`);
      const t0 = Date.now();
      const res = await runModule(wait_for, r.args, testContext(sb.conn));
      const wall = (Date.now() - t0) / 1000;
      expect(res.changed).to.equal(false);
      expect(res.failed, res.msg).to.equal(r.ok ? undefined : true);
      expect(res.msg).to.equal(r.ok ? undefined : r.msg);
      // elapsed is the whole seconds really waited: not before the condition held, never more than the wall time
      expect(res.elapsed).to.be.a('number').and.satisfy(Number.isInteger);
      expect(res.elapsed).to.be.within(r.waits, Math.min(r.atMost ?? Infinity, Math.ceil(wall)));
    });
  }

  it('port and path together are refused', async () => {
    const res = await runModule(wait_for, { port: 1, path: '/x' }, testContext(sb.conn));
    expect(res.msg).to.match(/mutually exclusive/);
  });
});
