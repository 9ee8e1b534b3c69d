import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labSubnet } from '../helpers/lab.js';
import { describeRun, recap, REPO, tsplay } from '../e2e/helpers.js';

// remove-node.ts's interface, no lab needed: `node` is required; a dead host
// (reset_nodes=false, allow_ungraceful_removal=true) is never contacted; without a terminal the
// confirmation gets no answer and nothing runs. This file uses labSubnet(152) (nothing listens there).
const PLAYBOOK = path.join(REPO, 'playbooks/remove-node.ts');

describe('remove-node.ts: arguments, confirmation and dead hosts', function () {
  this.timeout(60_000);
  let dir: string;
  let inv: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-remove-node-'));
    inv = path.join(dir, 'hosts.ini');
    await writeFile(inv, `[all]\ndead1 ansible_host=${labSubnet(152)}.9 ansible_port=1 ansible_user=root\n[kube-node]\ndead1\n[k8s-cluster:children]\nkube-node\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses to run without -e node=...', async () => {
    const run = await tsplay(['run', PLAYBOOK, '-i', inv, '-e', 'skip_confirmation=true']);
    expect(run.code, describeRun(run)).to.equal(2);
    expect(run.stdout).to.include('No nodes specified for removal. The `node` variable must be set explicitly: -e node=NAME[,NAME].');
  });

  it('a dead host with reset_nodes=false and allow_ungraceful_removal=true is never contacted', async () => {
    const run = await tsplay(['run', PLAYBOOK, '-i', inv, '--json', '-e', 'node=dead1', '-e', 'skip_confirmation=true', '-e', 'reset_nodes=false', '-e', 'allow_ungraceful_removal=true']);
    expect(run.code, describeRun(run)).to.equal(0);
    expect(recap(run).dead1).to.include({ unreachable: 0, failed: 0, changed: 0 });
  });

  it('without a terminal the confirmation gets no answer: the run stops before touching the host', async () => {
    const run = await tsplay(['run', PLAYBOOK, '-i', inv, '--json', '-e', 'node=dead1']);
    expect(run.code, describeRun(run)).to.equal(2);
    expect(run.stdout).to.include('Delete nodes confirmation failed');
    expect(recap(run).dead1).to.include({ unreachable: 0, failed: 1 });
  });
});
