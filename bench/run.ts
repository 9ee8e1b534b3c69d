// tsplay vs ansible-playbook on the same hosts and the same work (bench/workload.ts and
// bench/ansible/workload.yml), and tsplay alone at scale. Not a test: prints figures. Root only
// (it starts lab hosts, which it always takes down again).
//
//   npm run bench                      3 and 8 hosts, 3 runs each, first and idempotent second run
//   npm run bench -- --runs 5 --hosts 3,8 --forks 20
//   npm run bench -- --engines tsplay  tsplay alone, for quick iterations
//   npm run bench -- --scale [N]       N inventory hosts (default 100) served by 4 lab hosts
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labExec, labUp, type LabState } from '../lib/lab/index.js';
import { scaleHosts, serveScaleHosts, writeInventory, type BenchHost } from './lab.js';
import { ansibleChanged, measure, median, tsplayChanged, type Measured } from './measure.js';
import { COPIES, TASKS } from './workload.js';

const REPO = path.resolve(import.meta.dirname, '..');
const TSPLAY_PLAYBOOK = path.join(REPO, 'bench/workload.ts');
const ANSIBLE_PLAYBOOK = path.join(REPO, 'bench/ansible/workload.yml');
/** tasks that change something on a fresh host: the directory, the copies, the line */
const CHANGING = COPIES + 2;

const { values: o } = parseArgs({
  options: {
    scale: { type: 'boolean' },
    runs: { type: 'string', default: '3' },
    hosts: { type: 'string', default: '3,8' },
    forks: { type: 'string', default: '20' },
    /** `--engines tsplay` skips ansible-playbook (for quick iterations on tsplay alone) */
    engines: { type: 'string', default: 'tsplay,ansible' },
  },
  allowPositionals: true,
  strict: true,
  args: process.argv.slice(2),
});
const positional = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const runs = Number(o.runs);
const forks = Number(o.forks);

type Engine = 'tsplay' | 'ansible';
type Phase = 'first' | 'second';
const engines = o.engines.split(',').filter((e): e is Engine => e === 'tsplay' || e === 'ansible');
if (!engines.length) throw new Error(`--engines ${o.engines}: give tsplay, ansible or both`);

async function runEngine(engine: Engine, inv: string, extra: string[]): Promise<Measured> {
  if (engine === 'tsplay') {
    return measure(path.join(REPO, 'bin/tsplay.js'), ['run', TSPLAY_PLAYBOOK, '-i', inv, '--json', '--no-retry-file', '-f', String(forks), ...extra], { ...process.env, NO_COLOR: '1' }, REPO);
  }
  return measure('ansible-playbook', [ANSIBLE_PLAYBOOK, '-i', inv, '-f', String(forks), ...extra], {
    ...process.env,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
  }, REPO);
}

/** Runs once and checks the run did what it should: every host changed `expect` tasks. */
async function checkedRun(engine: Engine, inv: string, hosts: string[], expectChanged: number, extra: string[] = []): Promise<Measured & { inProcessMs?: number }> {
  const m = await runEngine(engine, inv, extra);
  let changed: Record<string, number>;
  let inProcessMs: number | undefined;
  if (engine === 'tsplay') ({ changed, durationMs: inProcessMs } = tsplayChanged(m.stdout));
  else changed = ansibleChanged(m.stdout);
  const wrong = hosts.filter((h) => changed[h] !== expectChanged);
  if (m.code !== 0 || wrong.length) {
    throw new Error(`${engine} run (exit ${m.code}): expected changed=${expectChanged} on every host; got ${wrong.slice(0, 5).map((h) => `${h}=${changed[h] ?? 'missing'}`).join(', ')}\n${m.stdout.slice(-3000)}\n${m.stderr.slice(-2000)}`);
  }
  return { ...m, inProcessMs };
}

async function resetHosts(state: LabState, labHosts: BenchHost[], dir: string): Promise<void> {
  await Promise.all(labHosts.map(async (h) => {
    const r = await labExec(state, h, `rm -rf ${dir}`);
    if (r.rc !== 0) throw new Error(`${h.name}: cannot reset ${dir}: ${r.stderr}`);
  }));
}

/**
 * Each timed run starts on a quiet machine: the previous run's processes (sshd sessions ending on
 * the hosts, the reset's ssh clients, ansible's forks) get this long to finish first, as they
 * share the same two CPUs. The same pause for both tools.
 */
const SETTLE_MS = 500;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

const fmt = (ms: number): string => ms.toFixed(0).padStart(7);
const per = (ms: number, hosts: number): string => (ms / (TASKS * hosts)).toFixed(2).padStart(7);

async function compare(state: LabState, counts: number[]): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsplay-bench-inv-'));
  try {
    console.log(`workload: ${TASKS} tasks per host (1 directory, ${COPIES} copies, 1 lineinfile, 1 read-only command); gather_facts off on both sides`);
    console.log(`ansible-playbook: pipelining on, host key checking on, forks ${forks}, its default ssh args (ControlMaster=auto, ControlPersist=60s)`);
    console.log(`tsplay: bin/tsplay.js run --json (as the tsplay command runs), forks ${forks}; wall time = whole process, startup included; median of ${runs} runs\n`);
    console.log('hosts  engine   run      wall ms  ms/task-host  in-process ms  peak RSS MB');
    for (const n of counts) {
      const hosts = state.hosts.slice(0, n);
      const names = hosts.map((h) => h.name);
      const inv = path.join(tmp, `bench-${n}.ini`);
      await writeInventory(inv, state, hosts);
      const res: Record<string, (Measured & { inProcessMs?: number })[]> = {};
      const add = (k: string, m: Measured & { inProcessMs?: number }): number => (res[k] ??= []).push(m);
      // one untimed round per tool first: tsplay builds its engine and code cache after an install
      // or an edit, ansible starts its ControlPersist masters; a user's day-to-day runs pay neither
      for (const engine of engines) {
        await resetHosts(state, hosts, '/tmp/tsplay-bench');
        await checkedRun(engine, inv, names, CHANGING);
      }
      for (let i = 0; i < runs; i++) {
        for (const engine of engines) {
          await resetHosts(state, hosts, '/tmp/tsplay-bench');
          await settle();
          add(`${engine}/first`, await checkedRun(engine, inv, names, CHANGING));
          await settle();
          add(`${engine}/second`, await checkedRun(engine, inv, names, 0));
        }
      }
      const wall = (k: string): number => median(res[k]!.map((m) => m.wallMs));
      for (const engine of engines) {
        for (const phase of ['first', 'second'] as Phase[]) {
          const k = `${engine}/${phase}`;
          const inProc = res[k]![0]!.inProcessMs === undefined ? '' : fmt(median(res[k]!.map((m) => m.inProcessMs!)));
          const rss = res[k]!.map((m) => m.maxRssKb ?? 0);
          console.log(`${String(n).padStart(5)}  ${engine.padEnd(7)}  ${phase.padEnd(6)} ${fmt(wall(k))}  ${per(wall(k), n)}       ${inProc.padStart(8)}  ${(Math.max(...rss) / 1024).toFixed(0).padStart(11)}`);
        }
      }
      for (const phase of engines.length === 2 ? (['first', 'second'] as Phase[]) : []) {
        console.log(`       ansible/tsplay ${phase}: ${(wall(`ansible/${phase}`) / wall(`tsplay/${phase}`)).toFixed(1)}x`);
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function scale(state: LabState, n: number): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsplay-bench-scale-'));
  try {
    const hosts = scaleHosts(n);
    const names = hosts.map((h) => h.name);
    const t = performance.now();
    const { knownHosts: known, sshds } = await serveScaleHosts(state, hosts, path.join(tmp, 'known_hosts'));
    console.log(`${n} inventory hosts on ${hosts[0]!.address}..${hosts[n - 1]!.address}, served by ${sshds} sshd processes inside ${state.hosts.length} lab hosts (${(performance.now() - t).toFixed(0)} ms to start)`);
    const inv = path.join(tmp, 'scale.ini');
    await writeInventory(inv, state, hosts, known);
    const extra = ['-e', 'bench_root=/tmp/scale'];
    console.log(`tsplay: bin/tsplay.js run --json -f ${forks}, ${TASKS} tasks per host, files under /tmp/scale/<inventory_hostname>\n`);
    console.log('hosts  run      wall ms  ms/task-host  in-process ms  peak RSS MB  RSS per host KB');
    const one = await checkedRun('tsplay', inv, [names[0]!], CHANGING, [...extra, '--limit', names[0]!]);
    const base = one.maxRssKb ?? 0;
    console.log(`    1  first  ${fmt(one.wallMs)}  ${per(one.wallMs, 1)}       ${fmt(one.inProcessMs ?? 0).padStart(8)}  ${(base / 1024).toFixed(0).padStart(11)}   (baseline)`);
    await resetHosts(state, state.hosts, '/tmp/scale');
    for (const phase of ['first', 'second'] as Phase[]) {
      const m = await checkedRun('tsplay', inv, names, phase === 'first' ? CHANGING : 0, extra);
      const rss = m.maxRssKb ?? 0;
      console.log(
        `${String(n).padStart(5)}  ${phase.padEnd(6)} ${fmt(m.wallMs)}  ${per(m.wallMs, n)}       ${fmt(m.inProcessMs ?? 0).padStart(8)}  ${(rss / 1024).toFixed(0).padStart(11)}   ${(rss / n).toFixed(0)} total, ${((rss - base) / (n - 1)).toFixed(0)} above baseline`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // other work on the machine skews every figure: say how busy it was
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-lab-bench-'));
  try {
    if (o.scale) {
      const n = Number(positional ?? 100);
      if (!Number.isInteger(n) || n < 2 || n > 2000) throw new Error(`--scale ${positional}: give a host count from 2 to 2000`);
      const state = await labUp([1, 2, 3, 4].map((i) => ({ name: `scale-lab${i}`, address: `127.0.91.${i}` })), { stateDir });
      await scale(state, n);
    } else {
      const counts = o.hosts.split(',').map(Number);
      if (counts.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--hosts ${o.hosts}: give host counts such as 3,8`);
      const max = Math.max(...counts);
      const state = await labUp(Array.from({ length: max }, (_, i) => ({ name: `bench${String(i + 1).padStart(2, '0')}`, address: `127.0.90.${i + 1}` })), { stateDir });
      await compare(state, counts);
    }
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
  } finally {
    await labDown(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
