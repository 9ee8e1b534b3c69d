import { expect } from 'chai';
import { wait_for_connection } from '../../lib/modules/wait_for_connection.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { runModule, testContext } from '../helpers/sandbox.js';
import { useSshd } from '../helpers/sshd-fixture.js';
import { freePort, startSshd, type Sshd } from '../helpers/sshd.js';

// wait_for_connection over real SSH: a host whose sshd is not up yet (nothing listens on its
// loopback address) is tried again until an sshd starts there; a host that never comes up times
// out with the reason. Addresses: 127.0.77.151 (the fixture's sshd), 127.0.77.152 (the late one).

describe('wait_for_connection module (real sshd on loopback)', function () {
  this.timeout(60000);
  const fx = useSshd({ tag: 'wfc', address: '127.0.77.151', scratchMode: 0o755 });
  let late: Sshd | undefined;
  after(async () => late?.stop());

  it('waits for an sshd that starts later, then reports the seconds waited', async () => {
    const port = await freePort('127.0.77.152');
    const conn = fx.connect({ ansible_ssh_timeout: 1 }, { hostKeyChecking: 'off' }, {}, { ...fx.sshd, address: '127.0.77.152', port });
    // the first command finds nobody there: the host is unreachable until retried
    const first = await conn.exec('true').catch((e: Error) => e);
    expect(first).to.be.instanceOf(Error);
    setTimeout(() => {
      void startSshd({ address: '127.0.77.152', port, clientKeyFile: fx.sshd.clientKeyFile }).then((s) => (late = s));
    }, 1500);
    const r = await runModule(wait_for_connection, { sleep: 0.3, connect_timeout: 2, timeout: 30 }, testContext(conn));
    expect(r.failed, r.msg).to.equal(undefined);
    expect(r.changed).to.equal(false);
    expect(r.elapsed).to.be.within(1, 20);
    expect((await conn.exec('echo back')).stdout).to.equal('back\n');
  });

  it('times out naming the host, the time and the last reason', async () => {
    const port = await freePort('127.0.77.152');
    const conn = fx.connect({ ansible_ssh_timeout: 1 }, { hostKeyChecking: 'off' }, {}, { ...fx.sshd, address: '127.0.77.152', port });
    const r = await runModule(wait_for_connection, { sleep: 0.2, connect_timeout: 1, timeout: 2 }, testContext(conn));
    expect(r.failed).to.equal(true);
    expect(r.msg).to.match(/^timed out waiting for connection to t1 after [12] seconds: .*raise timeout/);
  });

  it('a reachable host answers at once; --check skips it, as in Ansible', async () => {
    const ok = await runModule(wait_for_connection, {}, testContext(new LocalConnection('local')));
    expect(ok).to.deep.include({ changed: false, elapsed: 0 });
    const check = await runModule(wait_for_connection, {}, testContext(new LocalConnection('local'), { check: true }));
    expect(check).to.deep.include({ changed: false, skipped: true });
  });
});
