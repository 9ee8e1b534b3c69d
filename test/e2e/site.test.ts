import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, describeRun, FIXTURES, hostResults, recap, tsplay, writeLabInventory } from './helpers.js';

// tsplay as a user runs it against six real sshd hosts: changes, idempotence, --check, --diff
// and --limit, verified by reading the hosts' own files over ssh afterwards.
const SITE = path.join(FIXTURES, 'site.ts');
const HOSTS = clusterHosts(labSubnet(41), 3, 3);
const NAMES = HOSTS.map((h) => h.name);
const FILES = ['motd', 'site.conf', 'settings', 'current'];

describe('e2e: site playbook over real sshd', function () {
  this.timeout(90000);
  const lab = useLab('e2e-site', HOSTS);
  let inv: string;
  before(async () => {
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'));
  });

  /** `cat` of each host's file, or null when it does not exist. */
  async function read(host: string, file: string): Promise<string | null> {
    const r = await labSsh(lab(), host, `cat ${file} 2>/dev/null || echo __absent__`);
    return r.stdout === '__absent__\n' ? null : r.stdout;
  }

  it('the first run changes every host, an identical second run changes nothing', async () => {
    const first = await tsplay(['run', SITE, '-i', inv, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);
    const stats1 = recap(first);
    expect(Object.keys(stats1)).to.have.members(NAMES);
    for (const h of NAMES) expect(stats1[h], h).to.include({ changed: 5, failed: 0, unreachable: 0 });
    for (const h of HOSTS) {
      const conf = await read(h.name, '/etc/tsplay-e2e/site.conf');
      // facts came from the host itself: its own hostname (UTS namespace) and address
      expect(conf, h.name).to.include(`host=${h.name}\nhostname=${h.name}\naddress=${h.address}\n`);
      expect(await read(h.name, '/etc/tsplay-e2e/current'), h.name).to.equal(conf);
      expect(await read(h.name, '/etc/tsplay-e2e/settings')).to.equal('log_level=info\n');
      const modes = await labSsh(lab(), h.name, "stat -c '%n %a %U' /etc/tsplay-e2e/motd /etc/tsplay-e2e/site.conf");
      expect(modes.stdout).to.equal('/etc/tsplay-e2e/motd 644 root\n/etc/tsplay-e2e/site.conf 640 root\n');
    }
    const groups = await read('k1-node02', '/etc/tsplay-e2e/site.conf');
    expect(groups).to.match(/^groups=k8s-cluster,kube-node$/m);

    const second = await tsplay(['run', SITE, '-i', inv, '--json']);
    expect(second.code, describeRun(second)).to.equal(0);
    const stats2 = recap(second);
    for (const h of NAMES) expect(stats2[h], h).to.include({ changed: 0, ok: 6, failed: 0 });
  });

  it('--check changes nothing on any host and reports what it would change; --diff shows the diff', async () => {
    const dir = '/etc/tsplay-e2e-check';
    const setup = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`]);
    expect(setup.code, describeRun(setup)).to.equal(0);
    // someone edited one host by hand
    await labSsh(lab(), 'k1-node01', `printf 'edited by hand\\n' > ${dir}/site.conf`);

    const check = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--check', '--json']);
    expect(check.code, describeRun(check)).to.equal(0);
    expect(hostResults(check, 'site.conf').filter((r) => r.changed).map((r) => r.host)).to.deep.equal(['k1-node01']);
    expect(recap(check)['k1-node01']).to.include({ changed: 1 });
    expect(await read('k1-node01', `${dir}/site.conf`)).to.equal('edited by hand\n');

    // plain output, as a person reads it: a unified diff of the file
    const plain = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--check', '--diff']);
    expect(plain.code, describeRun(plain)).to.equal(0);
    expect(plain.stdout).to.match(/^changed: \[k1-node01\]/m);
    expect(plain.stdout).to.match(/^-edited by hand$/m);
    expect(plain.stdout).to.match(/^\+host=k1-node01$/m);
    expect(plain.stdout).to.match(/^@@ /m);

    const json = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--check', '--diff', '--json']);
    const ev = hostResults(json, 'site.conf').find((r) => r.host === 'k1-node01');
    expect(ev?.diff?.[0]?.before).to.equal('edited by hand\n');
    expect(ev?.diff?.[0]?.after).to.include('host=k1-node01\n');
    expect(await read('k1-node01', `${dir}/site.conf`)).to.equal('edited by hand\n');
  });

  it('--check on hosts that have nothing yet reports every change and creates nothing', async () => {
    const dir = '/etc/tsplay-e2e-dry';
    const check = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--check', '--json']);
    expect(check.code, describeRun(check)).to.equal(0);
    for (const h of NAMES) expect(recap(check)[h], h).to.include({ changed: 5, failed: 0 });
    for (const h of NAMES) expect((await labSsh(lab(), h, `test -e ${dir}; echo $?`)).stdout, h).to.equal('1\n');
  });

  it('--limit k1-master01,k1-node0[1:2] touches exactly those hosts', async () => {
    const dir = '/etc/tsplay-e2e-limit';
    const run = await tsplay(['run', SITE, '-i', inv, '-e', `e2e_dir=${dir}`, '--limit', 'k1-master01,k1-node0[1:2]', '--json']);
    expect(run.code, describeRun(run)).to.equal(0);
    const touched = ['k1-master01', 'k1-node01', 'k1-node02'];
    expect(Object.keys(recap(run))).to.have.members(touched);
    expect([...new Set(hostResults(run).map((r) => r.host))]).to.have.members(touched);
    for (const h of NAMES) {
      const listing = (await labSsh(lab(), h, `ls ${dir} 2>/dev/null`)).stdout.split('\n').filter(Boolean);
      expect(listing, h).to.have.members(touched.includes(h) ? FILES : []);
    }
  });
});
