import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, FIXTURES, REPO, writeLabInventory } from './helpers.js';
import { spawnSync } from 'node:child_process';

// Rolling orchestration over real hosts: masters one by one, workers one by one, a drain that
// fails on one worker. The run must stop there, rescue that worker, leave later workers untouched,
// and write a retry file naming it.
describe('e2e: an upgrade-shaped rolling run', function () {
  this.timeout(120000);
  const lab = useLab('e2e-upgrade', clusterHosts(labSubnet(47), 2, 4));
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'tsplay-e2e-upgrade-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: string[]): { code: number; out: string; err: string } {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/tsplay.js'), ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  }

  it('stops at the failed drain: rescued, later workers untouched, retry file names the worker', async () => {
    const inv = await writeLabInventory(lab(), path.join(dir, 'hosts.ini'));
    const pb = path.join(dir, 'upgrade.mts');
    // the fixture, copied beside the retry file so the run writes its .retry there
    const src = readFileSync(path.join(FIXTURES, 'upgrade.ts'), 'utf8').replace(/'\.\.\/\.\.\/\.\.\/lib\/index\.js'/, JSON.stringify(path.join(REPO, 'lib/index.js')));
    (await import('node:fs')).writeFileSync(pb, src);
    const r = run(['run', pb, '-i', inv, '-e', 'drain_fails_on=k1-node02']);
    expect(r.code, r.out + r.err).to.equal(2);
    // progress names each batch; delegation shows both hosts
    expect(r.out).to.match(/batch 1\/2: k1-master01/).and.to.match(/batch 2\/2: k1-master02/);
    expect(r.out).to.match(/batch 2\/4: k1-node02/);
    expect(r.out).to.match(/changed: \[k1-node01 -> k1-master01\]/);
    expect(r.out).to.match(/Cannot evict pod as it would violate the pod disruption budget/);
    expect(r.out).to.match(/never touched: k1-node03, k1-node04/);
    const retry = path.join(dir, 'upgrade.retry');
    expect(r.out).to.contain(`--limit @${retry}`);
    expect(readFileSync(retry, 'utf8')).to.equal('k1-node02\n');

    const s = lab();
    for (const h of ['k1-master01', 'k1-master02', 'k1-node01']) {
      expect((await labSsh(s, h, 'cat /etc/tsplay-upgrade/kubelet-version')).stdout).to.equal('v1.15.6\n');
    }
    for (const h of ['k1-node02', 'k1-node03', 'k1-node04']) {
      expect((await labSsh(s, h, 'test -e /etc/tsplay-upgrade/kubelet-version')).rc, h).to.equal(1);
    }
    // the rescue uncordoned k1-node02 on the first master; nobody is left cordoned
    expect((await labSsh(s, 'k1-master01', 'cat /etc/tsplay-upgrade/cordoned')).stdout.trim()).to.equal('');
    // k1-node03 and later were never reached: not even their state dir exists
    expect((await labSsh(s, 'k1-node03', 'test -d /etc/tsplay-upgrade')).rc).to.equal(1);

    // the fix is in: rerun only what failed, with --limit @retry
    const again = run(['run', pb, '-i', inv, '--limit', `@${retry}`]);
    expect(again.code, again.out + again.err).to.equal(0);
    expect((await labSsh(s, 'k1-node02', 'cat /etc/tsplay-upgrade/kubelet-version')).stdout).to.equal('v1.15.6\n');
    expect((await labSsh(s, 'k1-node03', 'test -d /etc/tsplay-upgrade')).rc).to.equal(1);
    expect(existsSync(retry)).to.equal(false);
  });
});
