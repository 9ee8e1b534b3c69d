// When `tsplay lab up -i INV` gives the hosts the Kubernetes package repository.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readState, wantsKubeRepo, type LabInventory } from '../../../lib/lab/index.js';
import { labSsh, labSubnet } from '../../helpers/lab.js';

function inv(groups: string[], allVars: Record<string, unknown> = {}): LabInventory {
  return { hosts: new Map(), groups: new Map([['all', { vars: allVars }], ...groups.map((g) => [g, { vars: {} }] as const)]) };
}

describe('lab kube packages: which inventories get the repository', () => {
  it('an inventory with a kubespray group, old or current spelling', () => {
    expect(wantsKubeRepo(inv(['kube-master', 'kube-node']))).to.equal(true);
    expect(wantsKubeRepo(inv(['k8s_cluster']))).to.equal(true);
    expect(wantsKubeRepo(inv(['web', 'db']))).to.equal(false);
  });

  it('lab_kube_repo in the all vars decides either way', () => {
    expect(wantsKubeRepo(inv(['kube-master'], { lab_kube_repo: false }))).to.equal(false);
    expect(wantsKubeRepo(inv(['kube-master'], { lab_kube_repo: 'False' }))).to.equal(false);
    expect(wantsKubeRepo(inv(['web'], { lab_kube_repo: 'yes' }))).to.equal(true);
    expect(wantsKubeRepo(inv(['web'], { lab_kube_repo: true }))).to.equal(true);
  });

  it('refuses a value that is not a boolean, naming the variable', () => {
    expect(() => wantsKubeRepo(inv([], { lab_kube_repo: 'maybe' }))).to.throw('lab_kube_repo must be true or false, not "maybe"');
  });
});

describe('lab kube packages: tsplay lab up -i INV (the CLI, prebuilt engine) with a kubespray inventory', function () {
  this.timeout(300000);
  let dir = '';
  const tsplay = (args: string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [path.resolve('bin/tsplay.js'), ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kube-cli-'));
    await writeFile(path.join(dir, 'k.ini'), `[kube-node]\nkp83-a ansible_host=${labSubnet(83)}.1\n`);
  });
  after(async () => {
    await tsplay(['lab', 'down', '-i', path.join(dir, 'k.ini'), '--state-dir', path.join(dir, 'state')]);
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the host the apt source of the repository built from this checkout', async () => {
    const up = await tsplay(['lab', 'up', '-i', path.join(dir, 'k.ini'), '--state-dir', path.join(dir, 'state')]);
    expect(up.code, up.out).to.equal(0);
    const state = await readState(path.join(dir, 'state'));
    const r = await labSsh(state!, 'kp83-a', 'cat /etc/apt/sources.list.d/kubernetes.list');
    expect(r.stdout).to.match(/^deb \[signed-by=\/etc\/apt\/keyrings\/kubernetes-apt-keyring\.gpg\] file:\/\S+ kubernetes-xenial main\n$/);
  });
});
