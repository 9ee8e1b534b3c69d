// Wall time of playbooks/cluster.ts on fresh lab hosts (the 3 masters + 5 workers by
// default; `--masters N --workers N`), then of the no-change rerun, and the engine's share: the
// controller process's CPU time (user + sys, GNU time) over the wall time; the rest is waiting
// for remote commands (apt, kubeadm, the doubles). Run as root: npx tsx bench/cluster.ts
// Until helper LABNET's per-host networking lands, only 1 master fits the lab (kubeadm's
// cluster-wide listener settings), so use --masters 1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labDown, labUp } from '../lib/lab/index.js';
import { seedExtraVars, writeClusterInventory } from '../test/e2e/cluster-lab.js';
import { clusterHosts, REPO } from '../test/e2e/helpers.js';
import { measure, tsplayChanged } from './measure.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const masters = arg('masters', 3);
const workers = arg('workers', 5);
const version = process.argv.includes('--version') ? process.argv[process.argv.indexOf('--version') + 1]! : '1.34.3';

const dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-bench-cluster-'));
try {
  const state = await labUp(clusterHosts('127.0.23', masters, workers).map((h, i) => ({ ...h, address: `127.0.23.${100 + i}` })), { stateDir: dir, kubeRepo: true });
  const inv = await writeClusterInventory(state, dir);
  const extra = path.join(dir, 'extra-vars.yml');
  await writeFile(extra, seedExtraVars(version));
  for (const label of ['install on fresh hosts', 'no-change rerun']) {
    const m = await measure(process.execPath, [path.join(REPO, 'bin/tsplay.js'), 'run', path.join(REPO, 'playbooks/cluster.ts'), '-i', inv, '-e', `@${extra}`, '--json', '--no-retry-file'], process.env, REPO);
    const cpu = ['User time \\(seconds\\)', 'System time \\(seconds\\)'].reduce((s, k) => s + Number(new RegExp(`${k}: ([\\d.]+)`).exec(m.stderr)?.[1] ?? NaN), 0);
    const { changed } = tsplayChanged(m.stdout);
    const total = Object.values(changed).reduce((a, b) => a + b, 0);
    console.log(`${label}: exit ${m.code}, wall ${(m.wallMs / 1000).toFixed(1)} s, controller CPU ${cpu.toFixed(1)} s (engine share ${((cpu * 1000 * 100) / m.wallMs).toFixed(1)} %), changed ${total} over ${Object.keys(changed).length} hosts`);
  }
} finally {
  await labDown(dir).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
