// The upgrade path 1.14.3 → 1.15.6 → 1.16.3 → 1.17.7 → 1.18.5 with playbooks/upgrade-cluster.ts,
// one minor per run, -e serial=1, on 3 masters (stacked etcd, built as kubeadm 1.14 builds them)
// + 5 workers with a Deployment of 3 pods under a PDB that allows one disruption (the same flow as
// test/lab/kube/upgrade-path.test.ts, on more workers). Prints, per minor, the wall time of the
// run and the engine's share: the controller process's CPU time (user + sys, GNU time) over the
// wall time; the rest is waiting for remote commands (apt, kubeadm, drains, the doubles). Also
// the fewest Ready pods of the workload the API showed during the run. Asserts nothing beyond
// exit codes; a step that fails is printed as not measured, with its error, and the path stops.
// Run as root: npx tsx bench/upgrade-path.ts [--workers 5] [--net 127.0.23]
// Uses <net>.1-8 and a temp state dir; the lab is always taken down again.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labUp } from '../lib/lab/index.js';
import { REPO } from '../test/e2e/helpers.js';
import { build114, deployWorkload, EXTRA, nodeVersions, PATH, poll, writePathInventory } from '../test/lab/kube/upgrade-path-lab.js';
import { measure } from './measure.js';

const { values: o } = parseArgs({ options: { masters: { type: 'string', default: '3' }, workers: { type: 'string', default: '5' }, net: { type: 'string', default: '127.0.23' } } });
const masters = Array.from({ length: Number(o.masters) }, (_, i) => ({ name: `ub-m${i + 1}`, address: `${o.net}.${i + 1}` }));
const workers = Array.from({ length: Number(o.workers) }, (_, i) => ({ name: `ub-w${i + 1}`, address: `${o.net}.${masters.length + i + 1}` }));
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-bench-upath-'));
const stateDir = path.join(dir, 'lab');
const t0 = performance.now();
try {
  const state = await labUp([...masters, ...workers], { stateDir, kubeRepo: true });
  console.log(`lab up, ${masters.length} + ${workers.length} hosts: ${secs(performance.now() - t0)}`);
  const t1 = performance.now();
  await build114(state, masters, workers, (s) => console.log(`  ${s} (${secs(performance.now() - t1)})`));
  console.log(`1.14.3 cluster built (packages, init, joins, all Ready): ${secs(performance.now() - t1)}`);
  const inv = path.join(dir, 'inventory.ini');
  await writePathInventory(state, inv, masters, workers);
  await deployWorkload(state, masters[0]!);
  console.log('| step | wall | controller CPU | engine share | waiting for remote | fewest Ready pods (min 2) | nodes after |');
  console.log('|---|---|---|---|---|---|---|');
  for (let i = 1; i < PATH.length; i++) {
    const watch = poll(state, masters[0]!, masters, 2000);
    const m = await measure(process.execPath, [path.join(REPO, 'bin/tsplay.js'), 'run', path.join(REPO, 'playbooks/upgrade-cluster.ts'), '-i', inv, ...EXTRA, '-e', `kube_version=${PATH[i]}`, '-e', 'serial=1', '--json', '--no-retry-file'], process.env, REPO);
    const samples = await watch.stop();
    const cpu = ['User time \\(seconds\\)', 'System time \\(seconds\\)'].reduce((s, k) => s + Number(new RegExp(`${k}: ([\\d.]+)`).exec(m.stderr)?.[1] ?? NaN), 0);
    const share = (cpu * 1000 * 100) / m.wallMs;
    const ready = samples.flatMap((s) => (s.ready === null ? [] : [s.ready]));
    const versions = [...new Set(Object.values(await nodeVersions(state, masters[0]!).catch(() => ({}))))].join(', ');
    if (m.code !== 0) {
      console.log(`| ${PATH[i - 1]} → ${PATH[i]} | not measured: exit ${m.code} | | | | | ${versions} |`);
      console.log(m.stdout.split('\n').filter((l) => l.includes('"failed"') || l.includes('"unreachable"')).slice(-5).join('\n'));
      break;
    }
    console.log(`| ${PATH[i - 1]} → ${PATH[i]} | ${secs(m.wallMs)} | ${cpu.toFixed(1)} s | ${share.toFixed(1)} % | ${(100 - share).toFixed(1)} % | ${ready.length ? Math.min(...ready) : 'no answer'} (${ready.length} samples) | ${versions} |`);
  }
  console.log(`total: ${secs(performance.now() - t0)}`);
} finally {
  await labDown(stateDir).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
