// The lab's per-host address file (common/labnet.ts): with /etc/tsplay-lab/address the doubles'
// loopback/wildcard listeners and loopback connections go to the host's own address; without it
// (a real host) every address is used as given. The folder is TSPLAY_LAB_PROC_DIR here, as on the
// controller the doubles' tests run on; the lab side is test/lab/kube/ha-stacked.test.ts.
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectHost, connectUrl, etcdArgs, labAddress, listenHost, listenUrls } from '../../../lib/lab/kube/common/labnet.js';
import { labSubnet } from '../../helpers/lab.js';
import { spawnDouble, until } from './ctl-helpers.js';

const NET = labSubnet(121);
const OWN = `${NET}.7`;

async function withLabDir<T>(address: string | null, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-labnet-'));
  const before = process.env['TSPLAY_LAB_PROC_DIR'];
  process.env['TSPLAY_LAB_PROC_DIR'] = dir;
  try {
    if (address !== null) await writeFile(path.join(dir, 'address'), address + '\n');
    return await f(dir);
  } finally {
    if (before === undefined) delete process.env['TSPLAY_LAB_PROC_DIR'];
    else process.env['TSPLAY_LAB_PROC_DIR'] = before;
    await rm(dir, { recursive: true, force: true });
  }
}

describe('lab network namespace emulation (common/labnet.ts)', function () {
  it('with the address file: listeners on loopback or every address, and loopback connections, go to the host\'s address', () =>
    withLabDir(OWN, async () => {
      expect(labAddress()).to.equal(OWN);
      for (const h of ['0.0.0.0', '::', '[::]', '127.0.0.1', '::1', 'localhost', '', undefined]) expect(listenHost(h), String(h)).to.equal(OWN);
      expect(listenHost('127.0.5.5')).to.equal('127.0.5.5');
      expect(listenHost('10.1.2.3')).to.equal('10.1.2.3');
      for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]']) expect(connectHost(h), h).to.equal(OWN);
      expect(connectHost('0.0.0.0')).to.equal('0.0.0.0');
      expect(connectHost('10.1.2.3')).to.equal('10.1.2.3');
      expect(connectUrl('https://127.0.0.1:2379')).to.equal(`https://${OWN}:2379`);
      expect(connectUrl('https://localhost:6443')).to.equal(`https://${OWN}:6443`);
      expect(connectUrl('https://[::1]:6443/')).to.equal(`https://${OWN}:6443/`);
      expect(connectUrl('https://lb.example:6443')).to.equal('https://lb.example:6443');
      // kubeadm's stacked etcd listens on loopback and the advertise address: one socket after mapping
      expect(listenUrls(`https://127.0.0.1:2379,https://${OWN}:2379`)).to.equal(`https://${OWN}:2379`);
    }));

  it('rewrites only the listen URL flags of the real etcd; advertise URLs stay as kubeadm wrote them', () =>
    withLabDir(OWN, async () => {
      const args = [
        `--advertise-client-urls=https://${OWN}:2379`,
        `--listen-client-urls=https://127.0.0.1:2379,https://${OWN}:2379`,
        '--listen-metrics-urls=http://127.0.0.1:2381',
        '--listen-peer-urls', 'https://0.0.0.0:2380',
        `--initial-advertise-peer-urls=https://${OWN}:2380`,
        '--name=m1',
      ];
      expect(etcdArgs(args)).to.deep.equal([
        `--advertise-client-urls=https://${OWN}:2379`,
        `--listen-client-urls=https://${OWN}:2379`,
        `--listen-metrics-urls=http://${OWN}:2381`,
        '--listen-peer-urls', `https://${OWN}:2380`,
        `--initial-advertise-peer-urls=https://${OWN}:2380`,
        '--name=m1',
      ]);
    }));

  it('without the address file (a real host) nothing is mapped', () =>
    withLabDir(null, async () => {
      expect(labAddress()).to.equal(null);
      for (const h of ['0.0.0.0', '::', '127.0.0.1', 'localhost']) expect(listenHost(h)).to.equal(h);
      expect(listenHost(undefined)).to.equal(undefined);
      expect(connectHost('127.0.0.1')).to.equal('127.0.0.1');
      expect(connectUrl('https://127.0.0.1:2379')).to.equal('https://127.0.0.1:2379');
      const args = ['--listen-client-urls=https://127.0.0.1:2379', '--listen-metrics-urls=http://127.0.0.1:2381'];
      expect(etcdArgs(args)).to.deep.equal(args);
    }));

  it('an address file that holds no IP address maps nothing', () =>
    withLabDir('not-an-address', async () => {
      expect(labAddress()).to.equal(null);
      expect(listenHost('0.0.0.0')).to.equal('0.0.0.0');
    }));

  describe('a double\'s listener (the scheduler, no --bind-address: 0.0.0.0 as the real default)', function () {
    this.timeout(60000);
    const port = 20000 + (process.pid % 20000);

    /** The local address of the TCP listener on `port` (from /proc/net/tcp), or undefined. */
    async function listenerOn(p: number): Promise<string | undefined> {
      const rows = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1).map((r) => r.trim().split(/\s+/));
      const row = rows.find((c) => c[3] === '0A' && parseInt(c[1]?.split(':')[1] ?? '', 16) === p);
      return row ? row[1]!.split(':')[0]!.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.') : undefined;
    }

    async function schedulerBinds(address: string | null): Promise<string> {
      return withLabDir(address, async (dir) => {
        const conf = path.join(dir, 'scheduler.conf');
        // never reached: the listener is what is looked at
        await writeFile(conf, ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1', '    insecure-skip-tls-verify: true', 'users:', '- name: u', '  user:', '    token: abc', 'contexts:', '- name: x', '  context:', '    cluster: c', '    user: u', 'current-context: x', ''].join('\n'));
        // the spawned double inherits TSPLAY_LAB_PROC_DIR from withLabDir
        const s = spawnDouble('scheduler', '1.35.2', [`--kubeconfig=${conf}`, `--secure-port=${port}`, '--leader-elect=false']);
        try {
          return await until(`a listener on port ${port}`, 30000, () => listenerOn(port), s.log);
        } finally {
          s.p.kill('SIGKILL');
          await s.exited;
        }
      });
    }

    it('binds the host\'s own address when the lab file is there, every address when it is not', async () => {
      expect(await schedulerBinds(OWN)).to.equal(OWN);
      expect(await schedulerBinds(null)).to.equal('0.0.0.0');
    });
  });
});
