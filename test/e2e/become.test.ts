import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

// become over real sshd: log in as a non-root user with sudo rights that ask for a password.
const BECOME = path.join(FIXTURES, 'become.ts');
const GOOD = 'S3cret-pw';
const WRONG = 'Wr0ng-pw-7431';
// secrets no task reads: the connection never registers them, only collectSecrets can mask them
// (a number too: INI host vars that look like numbers are numbers)
const TOKEN = 'Api-T0ken-5150';
const NUMERIC = '73196541';
const SECRETS = [GOOD, WRONG, TOKEN, NUMERIC];

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
        'k1-master01': `ansible_user=ops ansible_become_password=${GOOD} app_api_token=${TOKEN} backup_secret=${NUMERIC}`,
        // the old variable name: its value is a secret too
        'k1-node01': `ansible_user=ops ansible_become_pass=${WRONG}`,
      },
    });
    await labSsh(lab(), 'k1-master01', `printf 'note %s %s %s %s\\n' ${SECRETS.join(' ')} > /tmp/tsplay-e2e-note; chmod 644 /tmp/tsplay-e2e-note`);
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

    // the note really was printed, masked: without masking the passwords would be in the output
    const note = hostResults(run, 'note').find((r) => r.host === 'k1-master01');
    expect(note?.result?.stdout).to.equal('note ******** ******** ******** ********');
    for (const secret of SECRETS) {
      expect(run.stdout, 'JSON events').not.to.include(secret);
      expect(run.stderr).not.to.include(secret);
    }
  });

  it('plain and verbose output never shows either password', async () => {
    const run = await tsplay(['run', BECOME, '-i', inv, '-vvv']);
    expect(run.code, describeRun(run)).to.equal(2);
    expect(run.stdout).to.match(/k1-node01.*incorrect sudo password/i);
    expect(run.stdout).to.include('note ******** ******** ******** ********'); // shown, masked
    for (const secret of SECRETS) {
      expect(run.stdout).not.to.include(secret);
      expect(run.stderr).not.to.include(secret);
    }
  });
});
