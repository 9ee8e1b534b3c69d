import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

// become over real sshd: log in as a non-root user with sudo rights that ask for a password.
const BECOME = path.join(FIXTURES, 'become.ts');
const GOOD = 'S3cret-pw';
const WRONG = 'Wr0ng-pw-7431';

describe('e2e: become with a sudo password', function () {
  this.timeout(60000);
  const lab = useLab('e2e-become', clusterHosts(labSubnet(42), 1, 1), {
    users: [{ name: 'ops', password: GOOD, sudo: 'password' }],
  });
  let inv: string;
  before(async () => {
    // k1-master01 has the right sudo password, k1-node01 a wrong one
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'), {
      hostVars: {
        'k1-master01': `ansible_user=ops ansible_become_password=${GOOD}`,
        'k1-node01': `ansible_user=ops ansible_become_password=${WRONG}`,
      },
    });
  });

  it('writes a root-owned file as ops with sudo; a wrong password fails that host cleanly (exit 2)', async () => {
    const run = await tsplay(['run', BECOME, '-i', inv, '--json']);
    expect(run.code, describeRun(run)).to.equal(2);

    const stats = recap(run);
    expect(stats['k1-master01']).to.include({ changed: 1, failed: 0 });
    expect(stats['k1-node01']).to.include({ failed: 1, changed: 0 });
    const st = await labSsh(lab(), 'k1-master01', 'stat -c "%U:%G %a" /etc/tsplay-e2e-become && cat /etc/tsplay-e2e-become');
    expect(st.stdout).to.equal('root:root 600\nwritten as ops with sudo\n');
    const who = hostResults(run, 'who am i').find((r) => r.host === 'k1-master01');
    expect(who?.result?.stdout).to.equal('root');

    const bad = hostResults(run, 'root-owned file').find((r) => r.host === 'k1-node01');
    expect(bad?.status).to.equal('failed');
    expect(bad?.msg).to.match(/incorrect sudo password/i);
    expect((await labSsh(lab(), 'k1-node01', 'test -e /etc/tsplay-e2e-become; echo $?')).stdout).to.equal('1\n');
    // the login really was ops: sudo refused it, not ssh
    expect((await labSsh(lab(), 'k1-node01', 'id -un', { user: 'ops' })).stdout).to.equal('ops\n');

    for (const secret of [GOOD, WRONG]) {
      expect(run.stdout, 'JSON events').not.to.include(secret);
      expect(run.stderr).not.to.include(secret);
    }
  });

  it('plain and verbose output never shows either password', async () => {
    const run = await tsplay(['run', BECOME, '-i', inv, '-vvv']);
    expect(run.code, describeRun(run)).to.equal(2);
    expect(run.stdout).to.match(/k1-node01.*incorrect sudo password/i);
    for (const secret of [GOOD, WRONG]) {
      expect(run.stdout).not.to.include(secret);
      expect(run.stderr).not.to.include(secret);
    }
  });
});
