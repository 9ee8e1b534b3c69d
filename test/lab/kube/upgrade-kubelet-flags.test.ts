// /etc/default/kubelet across an upgrade (roles/upgrade-kubelet/flags.ts, run alone by
// fixtures/kubelet-flags-playbook.ts on a lab host): cluster.ts wrote --container-runtime=remote
// for a kubelet before 1.24; an upgrade to 1.24 or later takes it out and keeps every other flag,
// and the rollback puts the file back byte for byte. (The lab's packages jump from 1.18 to the
// current minors, so no lab cluster can cross 1.24 by the version path guard's rules.) labSubnet(198).
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labUp, type LabState } from '../../../lib/lab/index.js';
import { labSsh, labSubnet, tempStateDir } from '../../helpers/lab.js';
import { dropLab, writeOneHostInventory } from './upgrade-path-lab.js';
import { REPO, tsplay, type CliRun } from '../../e2e/helpers.js';

const HOST = { name: 'kf198', address: `${labSubnet(198)}.1` };
const PLAYBOOK = path.join(REPO, 'test/lab/kube/fixtures/kubelet-flags-playbook.ts');
const OLD = `KUBELET_EXTRA_ARGS=--node-ip=${HOST.address} --address=${HOST.address} --healthz-bind-address=${HOST.address} ` +
  '--container-runtime=remote --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --max-pods=50\n';
const NEW = `KUBELET_EXTRA_ARGS=--node-ip=${HOST.address} --address=${HOST.address} --healthz-bind-address=${HOST.address} --max-pods=50\n`;

describe('upgrade: /etc/default/kubelet across 1.24 (real files on a lab host)', function () {
  this.timeout(180000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  let dir = '';
  let inventory = '';
  const sh = async (cmd: string, input?: string): Promise<string> => {
    const r = await labSsh(state!, HOST.name, cmd, input === undefined ? {} : { input });
    if (r.rc !== 0) throw new Error(`${HOST.name}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const run = (...args: string[]): Promise<CliRun> => tsplay(['run', PLAYBOOK, '-i', inventory, '--json', ...args]);
  const out = (r: CliRun): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  const changed = (r: CliRun): string[] => r.events.flatMap((e) => (e.type === 'host_result' && e.status === 'changed' ? [e.task] : []));

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kubelet-flags-'));
    stateDir = await tempStateDir('kf198');
    state = await labUp([HOST], { stateDir });
    inventory = path.join(dir, 'hosts.ini');
    await writeOneHostInventory(state, inventory, HOST);
  });
  after(async function () {
    this.timeout(60000);
    await dropLab(stateDir, dir);
  });

  it('an upgrade within 1.2x before 1.24 leaves the file alone', async () => {
    await sh('mkdir -p /etc/default && cat > /etc/default/kubelet', OLD);
    const r = await run('-e', 'kube_version=1.23.4');
    expect(r.code, out(r)).to.equal(0);
    expect(changed(r)).to.deep.equal([]);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
  });

  it('to 1.24 or later: --container-runtime=remote and its endpoint go, the other flags stay; --check first changes nothing; a rerun changes nothing', async () => {
    const check = await run('-e', 'kube_version=v1.35.2', '--check');
    expect(check.code, out(check)).to.equal(0);
    expect(changed(check)).to.deep.equal(['kubelet flags for kube_version']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
    const r = await run('-e', 'kube_version=v1.35.2');
    expect(r.code, out(r)).to.equal(0);
    expect(changed(r)).to.deep.equal(['kubelet flags for kube_version']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(NEW);
    const again = await run('-e', 'kube_version=1.35.2');
    expect(changed(again)).to.deep.equal([]);
  });

  it('the rollback puts the previous kubelet\'s file back byte for byte', async () => {
    await sh('cat > /etc/default/kubelet', OLD);
    const r = await run('-e', 'kube_version=1.24.0', '-e', 'rollback=true');
    expect(r.code, out(r)).to.equal(0);
    expect(changed(r)).to.deep.equal(['kubelet flags for kube_version', 'roll back: previous kubelet flags']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
  });

  it('a host without the file: nothing is written', async () => {
    await sh('rm -f /etc/default/kubelet');
    const r = await run('-e', 'kube_version=1.35.2', '-e', 'rollback=true');
    expect(r.code, out(r)).to.equal(0);
    expect(changed(r)).to.deep.equal([]);
    expect((await labSsh(state!, HOST.name, 'test -e /etc/default/kubelet')).rc).to.equal(1);
  });
});
