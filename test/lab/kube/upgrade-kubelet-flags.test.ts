// /etc/default/kubelet across an upgrade (roles/upgrade-kubelet/flags.ts, run alone by
// fixtures/kubelet-flags-playbook.ts on a lab host): cluster.ts wrote --container-runtime=remote
// for a kubelet before 1.24; an upgrade to 1.24 or later takes it out and keeps every other flag,
// and the rollback puts the file back byte for byte. (The lab's packages jump from 1.18 to the
// current minors, so no lab cluster can cross 1.24 by the version path guard's rules.) labSubnet(198).
import { expect } from 'chai';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../../helpers/lab.js';
import { writeOneHostInventory } from './upgrade-path-lab.js';
import { changedTasks, describeRun, REPO, tsplay, type CliRun } from '../../e2e/helpers.js';

const HOST = { name: 'kf198', address: `${labSubnet(198)}.1` };
const PLAYBOOK = path.join(REPO, 'test/lab/kube/fixtures/kubelet-flags-playbook.ts');
const OLD = `KUBELET_EXTRA_ARGS=--node-ip=${HOST.address} --address=${HOST.address} --healthz-bind-address=${HOST.address} ` +
  '--container-runtime=remote --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --max-pods=50\n';
const NEW = `KUBELET_EXTRA_ARGS=--node-ip=${HOST.address} --address=${HOST.address} --healthz-bind-address=${HOST.address} --max-pods=50\n`;

describe('upgrade: /etc/default/kubelet across 1.24 (real files on a lab host)', function () {
  this.timeout(180000);
  const lab = useLab('kf198', [HOST]);
  let inventory = '';
  const sh = async (cmd: string, input?: string): Promise<string> => {
    const r = await labSsh(lab(), HOST.name, cmd, input === undefined ? {} : { input });
    if (r.rc !== 0) throw new Error(`${HOST.name}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const run = (...args: string[]): Promise<CliRun> => tsplay(['run', PLAYBOOK, '-i', inventory, '--json', ...args]);

  before(async () => {
    inventory = path.join(lab().stateDir, 'hosts.ini');
    await writeOneHostInventory(lab(), inventory, HOST);
  });

  it('an upgrade within 1.2x before 1.24 leaves the file alone', async () => {
    await sh('mkdir -p /etc/default && cat > /etc/default/kubelet', OLD);
    const r = await run('-e', 'kube_version=1.23.4');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(changedTasks(r)).to.deep.equal([]);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
  });

  it('to 1.24 or later: --container-runtime=remote and its endpoint go, the other flags stay; --check first changes nothing; a rerun changes nothing', async () => {
    const check = await run('-e', 'kube_version=v1.35.2', '--check');
    expect(check.code, describeRun(check)).to.equal(0);
    expect(changedTasks(check)).to.deep.equal(['kubelet flags for kube_version']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
    const r = await run('-e', 'kube_version=v1.35.2');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(changedTasks(r)).to.deep.equal(['kubelet flags for kube_version']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(NEW);
    const again = await run('-e', 'kube_version=1.35.2');
    expect(changedTasks(again)).to.deep.equal([]);
  });

  it('the rollback puts the previous kubelet\'s file back byte for byte', async () => {
    await sh('cat > /etc/default/kubelet', OLD);
    const r = await run('-e', 'kube_version=1.24.0', '-e', 'rollback=true');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(changedTasks(r)).to.deep.equal(['kubelet flags for kube_version', 'roll back: previous kubelet flags']);
    expect(await sh('cat /etc/default/kubelet')).to.equal(OLD);
  });

  it('a host without the file: nothing is written', async () => {
    await sh('rm -f /etc/default/kubelet');
    const r = await run('-e', 'kube_version=1.35.2', '-e', 'rollback=true');
    expect(r.code, describeRun(r)).to.equal(0);
    expect(changedTasks(r)).to.deep.equal([]);
    expect((await labSsh(lab(), HOST.name, 'test -e /etc/default/kubelet')).rc).to.equal(1);
  });
});
