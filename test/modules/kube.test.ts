import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalConnection } from '../../lib/connection/local.js';
import { withEnvironment } from '../../lib/connection/environment.js';
import { realKubectl } from '../../lib/lab/kube/packages/kubectl.js';
import { kube, type KubeArgs } from '../../lib/modules/kube.js';
import { useKube } from '../helpers/kube.js';
import { labSubnet } from '../helpers/lab.js';
import { runModule, testContext } from '../helpers/sandbox.js';

// The kube module against a Kubernetes API: real etcd, k-api's apiserver double, the REAL
// kubectl (Debian's kubernetes-client), run by the module through a real shell on the controller
// (the "host" here). Idempotence is what kubectl reports: created/configured vs unchanged.
// This file uses labSubnet(92).

const CM = (value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tsplay-kube\n  namespace: default\ndata:\n  key: "${value}"\n`;

describe('kube module (real kubectl, apiserver double over real etcd)', function () {
  this.timeout(120_000);
  const fx = useKube({ subnet: labSubnet(92) });
  let dir: string;
  let kubectl: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kubemod-'));
    kubectl = await realKubectl();
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const run = (args: KubeArgs, check = false) => {
    // kubectl keeps its discovery cache under HOME: a private one
    const conn = withEnvironment(new LocalConnection('m1'), { HOME: dir });
    return runModule(kube, { kubectl, kubeconfig: fx().kubeconfig, ...args }, testContext(conn, { check }));
  };
  const manifest = async (value: string): Promise<string> => {
    const f = path.join(dir, 'cm.yaml');
    await writeFile(f, CM(value));
    return f;
  };
  const value = async (): Promise<string> => (await fx().kubectl(['get', 'configmap', 'tsplay-kube', '-o', 'jsonpath={.data.key}'])).stdout;

  it('present applies a manifest: created, then unchanged (ok), then configured when it changed', async () => {
    const f = await manifest('one');
    const first = await run({ filename: f });
    expect(first).to.deep.include({ changed: true, msg: 'success: configmap/tsplay-kube created' });
    expect(await value()).to.equal('one');
    const again = await run({ filename: f, state: 'latest' });
    expect(again).to.deep.include({ changed: false, msg: 'success: configmap/tsplay-kube unchanged' });
    await manifest('two');
    const changed = await run({ filename: f, state: 'reloaded' });
    expect(changed).to.deep.include({ changed: true, msg: 'success: configmap/tsplay-kube configured' });
    expect(await value()).to.equal('two');
  });

  it('--check asks the server (dry run): says changed for a change it does not make', async () => {
    const f = await manifest('three');
    const r = await run({ filename: f }, true);
    expect(r.failed, r.msg).to.equal(undefined);
    expect(r.changed).to.equal(true);
    expect(await value()).to.equal('two');
    await manifest('two');
    expect((await run({ filename: f }, true)).changed).to.equal(false);
  });

  it('exists says True/False; absent deletes what exists (changed) and is ok when nothing does', async () => {
    expect(await run({ resource: 'configmap', name: 'tsplay-kube', namespace: 'default', state: 'exists' })).to.deep.include({ changed: false, msg: 'True' });
    const checked = await run({ resource: 'configmap', name: 'tsplay-kube', namespace: 'default', state: 'absent' }, true);
    expect(checked.changed).to.equal(true);
    expect(await value()).to.equal('two');
    const gone = await run({ resource: 'configmap', name: 'tsplay-kube', namespace: 'default', state: 'absent' });
    expect(gone).to.deep.include({ changed: true, msg: 'success: configmap "tsplay-kube" deleted' });
    expect(await run({ resource: 'configmap', name: 'tsplay-kube', namespace: 'default', state: 'exists' })).to.deep.include({ msg: 'False' });
    const again = await run({ resource: 'configmap', name: 'tsplay-kube', namespace: 'default', state: 'absent' });
    expect(again).to.deep.include({ changed: false, msg: 'success: ' });
  });

  it('kubectl failing is kubespray\'s message with the command, rc, out and err; no filename to apply is refused', async () => {
    const f = path.join(dir, 'bad.yaml');
    await writeFile(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
    const r = await run({ filename: f });
    expect(r.failed).to.equal(true);
    expect(r.msg).to.match(new RegExp(`^error running kubectl \\(${kubectl} --kubeconfig=\\S+ apply --force --filename=${f}\\) command \\(rc=1\\), out='', err='.+'$`, 's'));
    expect(await run({ resource: 'configmap' })).to.deep.include({ failed: true, msg: 'kube: filename required to create' });
  });
});
