import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { labSsh, labSubnet, pidsOfHost, useLab } from '../helpers/lab.js';
import { alive } from '../helpers/sshd.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

// Hosts that cannot be trusted or reached: the run refuses or gives up on those hosts only, the
// others finish their work, and the exit code tells which kind of failure happened.
const SITE = path.join(FIXTURES, 'site.ts');
const SUBNET = labSubnet(43);
const HOSTS = clusterHosts(SUBNET, 1, 2);
const sh = promisify(execFile);

/** `SHA256:...` of a known_hosts key (base64 blob), as ssh-keygen -l prints it. */
function fingerprintOf(b64: string): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '');
}

describe('e2e: changed host keys and unreachable hosts', function () {
  this.timeout(60000);
  const lab = useLab('e2e-failures', HOSTS);

  async function listing(host: string, dir: string): Promise<string[]> {
    return (await labSsh(lab(), host, `ls ${dir} 2>/dev/null`)).stdout.split('\n').filter(Boolean);
  }

  it('refuses a host whose host key changed, naming it and both fingerprints; the others finish', async () => {
    const state = lab();
    const node01 = state.hosts.find((h) => h.name === 'k1-node01')!;
    // a known_hosts of our own where k1-node01's keys were replaced by freshly generated ones
    const fakeKey = path.join(state.stateDir, 'impostor');
    await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'impostor', '-f', fakeKey]);
    const fake = (await readFile(`${fakeKey}.pub`, 'utf8')).split(' ')[1]!;
    const real: string[] = [];
    const lines = (await readFile(state.knownHosts, 'utf8')).split('\n').map((l) => {
      const [names, , key] = l.split(' ');
      if (!names?.split(',').includes(node01.address)) return l;
      real.push(key!);
      return `${names} ssh-ed25519 ${fake}`;
    });
    expect(real, 'k1-node01 lines in the lab known_hosts').not.to.be.empty;
    const knownHosts = path.join(state.stateDir, 'known_hosts.changed');
    await writeFile(knownHosts, lines.join('\n'));
    const inv = await writeLabInventory(state, path.join(state.stateDir, 'hostkey.ini'), {
      sshCommonArgs: `-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
    });

    const dir = '/etc/tsplay-e2e-hostkey';
    const run = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--json']);
    expect(run.code, describeRun(run)).to.equal(4);
    const stats = recap(run);
    expect(stats['k1-node01']).to.include({ unreachable: 1, changed: 0 });
    for (const h of ['k1-master01', 'k1-node02']) expect(stats[h], h).to.include({ changed: 5, failed: 0, unreachable: 0 });

    const refused = hostResults(run).find((r) => r.host === 'k1-node01');
    expect(refused?.status).to.equal('unreachable');
    expect(refused?.msg).to.match(/HOST IDENTIFICATION HAS CHANGED/);
    expect(refused?.msg).to.include(node01.address);
    expect(refused?.msg).to.include(fingerprintOf(fake));
    expect(real.some((k) => refused?.msg?.includes(fingerprintOf(k))), `one of ${real.map(fingerprintOf).join(', ')} in: ${refused?.msg}`).to.equal(true);

    expect(await listing('k1-node01', dir)).to.be.empty;
    for (const h of ['k1-master01', 'k1-node02']) expect(await listing(h, dir), h).to.have.lengthOf(4);
  });

  it('a host whose sshd is gone is unreachable (exit 4) and the other hosts finish', async () => {
    const state = lab();
    const node02 = state.hosts.find((h) => h.name === 'k1-node02')!;
    // the host dies: its PID 1 (tini, parent of sshd) is killed by pid, like a machine powered off
    const pids = await pidsOfHost(node02.pid);
    process.kill(node02.pid, 'SIGKILL');
    for (let i = 0; i < 200 && pids.some((p) => alive(p)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(pids.filter(alive), 'processes of k1-node02 still running').to.be.empty;

    // and an inventory host on a loopback address where nothing listens at all
    const inv = await writeLabInventory(state, path.join(state.stateDir, 'down.ini'), {
      extraHosts: [{ name: 'k1-node09', address: `${SUBNET}.99`, group: 'kube-node' }],
    });
    const dir = '/etc/tsplay-e2e-down';
    const run = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--json']);
    expect(run.code, describeRun(run)).to.equal(4);
    const stats = recap(run);
    for (const h of ['k1-node02', 'k1-node09']) {
      expect(stats[h], h).to.include({ unreachable: 1, changed: 0 });
      const r = hostResults(run).find((e) => e.host === h);
      expect(r?.status, h).to.equal('unreachable');
      expect(r?.msg, h).to.match(/refused|unreachable|cannot connect/i);
    }
    for (const h of ['k1-master01', 'k1-node01']) {
      expect(stats[h], h).to.include({ changed: 5, failed: 0, unreachable: 0 });
      expect(await listing(h, dir), h).to.have.members(['motd', 'site.conf', 'settings', 'current']);
    }
  });
});
