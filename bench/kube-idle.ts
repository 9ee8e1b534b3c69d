// A cluster of the Kubernetes doubles idling: how much of the machine's CPUs it takes, and how
// long from `kubeadm init` to every node Ready. Prints figures; asserts nothing; never makes one
// up: whatever step of the flow fails is printed as not measured, with the error.
// Run as root: npx tsx bench/kube-idle.ts [--masters 3] [--workers 5] [--idle 60] [--net 127.0.23]
// Uses <net>.x and a temp state dir; the lab is always taken down again.
//
// The flow is the install guides' (lib/lab/kube/packages/labflow.ts): packages 1.16.3 from the
// lab's apt repository, `kubeadm init --upload-certs` on the first master (stacked etcd,
// controlPlaneEndpoint = that master), a CNI config file, `kubeadm join --control-plane
// --certificate-key` of the other masters one at a time (each adds its etcd member, as kubeadm
// does), then `kubeadm join` of the workers.
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labExec, labUp, type LabHostSpec, type LabState } from '../lib/lab/index.js';
import { controlPlaneJoinCommandOf, initConfig116, initScript, joinCommandOf, prepareNodeScript, writeCniScript } from '../lib/lab/kube/packages/labflow.js';

const { values: o } = parseArgs({
  options: { masters: { type: 'string', default: '3' }, workers: { type: 'string', default: '5' }, idle: { type: 'string', default: '60' }, net: { type: 'string', default: '127.0.23' } },
});
const masters = Number(o.masters);
const workers = Number(o.workers);
const idleSeconds = Number(o.idle);
const hosts: LabHostSpec[] = [
  ...Array.from({ length: masters }, (_, i) => ({ name: `kb-master0${i + 1}`, address: `${o.net}.${i + 1}` })),
  ...Array.from({ length: workers }, (_, i) => ({ name: `kb-node0${i + 1}`, address: `${o.net}.${masters + i + 1}` })),
];
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function sh(state: LabState, name: string, cmd: string, input?: string): Promise<{ rc: number; out: string }> {
  const h = state.hosts.find((x) => x.name === name)!;
  const r = await labExec(state, h, cmd, input === undefined ? {} : { input });
  return { rc: r.rc, out: r.stdout + r.stderr };
}

/** Runs `fn` over `items`, `limit` at a time (apt and dpkg on eight hosts at once would crowd two CPUs). */
async function limited<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** utime+stime ticks of every process in the lab hosts' PID namespaces, by pid, with a label. */
async function cpuTicks(state: LabState): Promise<Map<number, { ticks: number; label: string }>> {
  const spaces = new Set<string>();
  for (const h of state.hosts) spaces.add(await readlink(`/proc/${h.pid}/ns/pid`).catch(() => ''));
  const out = new Map<number, { ticks: number; label: string }>();
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!spaces.has(await readlink(`/proc/${e}/ns/pid`))) continue;
      const stat = await readFile(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = (await readFile(`/proc/${e}/cmdline`, 'utf8')).split('\0');
      const bundle = cmd.find((a) => a.endsWith('.mjs'));
      // a double by its bundle's name; anything else by its command name (comm)
      const label = bundle ? path.basename(bundle, '.mjs') : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(Number(e), { ticks: Number(f[11]) + Number(f[12]), label });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Holder and leaseTransitions of the controller-manager's and scheduler's leader Leases: a leader lost during the window shows as a new transition. */
async function leaders(state: LabState): Promise<string> {
  const r = await sh(state, hosts[0].name, "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get lease kube-controller-manager kube-scheduler -o jsonpath='{range .items[*]}{.metadata.name}={.spec.holderIdentity} transitions={.spec.leaseTransitions}{\"\\n\"}{end}' 2>&1");
  return r.out.trim().split('\n').map((l) => l.replace(/_[0-9a-f-]{36}/, '')).join('; ');
}

async function readyNodes(state: LabState): Promise<{ ready: number; text: string }> {
  const r = await sh(state, hosts[0].name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers 2>&1');
  const text = r.out;
  return { ready: text.split('\n').filter((l) => /^\S+\s+Ready\s/.test(l)).length, text };
}

const stateDir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-kube-bench-'));
let state: LabState | undefined;
try {
  let t = performance.now();
  state = await labUp(hosts, { stateDir, kubeRepo: true });
  console.log(`lab up, ${hosts.length} hosts, with the package repository: ${secs(performance.now() - t)}`);
  t = performance.now();
  const prep = await limited(hosts, 4, (h) => sh(state!, h.name, `${prepareNodeScript('1.16.3-00')} && ${writeCniScript()}`));
  const badPrep = prep.map((r, i) => (r.rc ? `${hosts[i].name}: ${r.out.trim().split('\n').pop()}` : '')).filter(Boolean);
  if (badPrep.length) throw new Error(`apt install failed: ${badPrep.join('; ')}`);
  console.log(`apt-get install kubeadm kubelet kubectl 1.16.3-00 on ${hosts.length} hosts: ${secs(performance.now() - t)}`);

  const m1 = hosts[0];
  await sh(state, m1.name, 'cat > /root/kubeadm-config.yaml', initConfig116(m1.name, m1.address, 'v1.16.3', `${m1.address}:6443`));
  const t0 = performance.now();
  const init = await sh(state, m1.name, initScript('/root/kubeadm-config.yaml', '--upload-certs'));
  if (!/\nexit 0\n$/.test(init.out)) throw new Error(`kubeadm init failed:\n${init.out.trim().split('\n').slice(-5).join('\n')}`);
  console.log(`kubeadm init on ${m1.name}: ${secs(performance.now() - t0)}`);
  const join = joinCommandOf(init.out);
  const cpJoin = controlPlaneJoinCommandOf(init.out);
  const joined: { name: string; ok: boolean; out: string }[] = [];
  // masters one at a time, as kubespray joins them: each adds a member to the stacked etcd
  for (const h of hosts.slice(1, masters)) {
    const tj = performance.now();
    const r = await sh(state, h.name, `${cpJoin} 2>&1`);
    joined.push({ name: h.name, ok: r.rc === 0, out: r.out });
    console.log(`kubeadm join --control-plane on ${h.name}: ${r.rc === 0 ? secs(performance.now() - tj) : 'failed'}`);
  }
  joined.push(...(await limited(hosts.slice(masters), 4, async (h) => {
    const r = await sh(state!, h.name, `${join} 2>&1`);
    return { name: h.name, ok: r.rc === 0, out: r.out };
  })));
  for (const j of joined.filter((x) => !x.ok)) console.log(`kubeadm join on ${j.name}: failed: ${j.out.trim().split('\n').slice(-3).join(' | ')}`);
  const expected = 1 + joined.filter((j) => j.ok).length;
  let nodes = await readyNodes(state);
  const deadline = performance.now() + 240000;
  while (nodes.ready < expected && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    nodes = await readyNodes(state);
  }
  if (nodes.ready >= expected) console.log(`kubeadm init to ${nodes.ready} of ${hosts.length} nodes Ready: ${secs(performance.now() - t0)}`);
  else console.log(`only ${nodes.ready} of ${expected} joined nodes Ready after 240 s:\n${nodes.text}`);
  if (expected < hosts.length) console.log(`(all ${hosts.length} nodes Ready: not measured: ${hosts.length - expected} did not join)`);

  await new Promise((r) => setTimeout(r, 10000)); // settle: no start-up work in the window
  const leadersBefore = await leaders(state);
  const before = await cpuTicks(state);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const after = await cpuTicks(state);
  const leadersAfter = await leaders(state);
  const wall = (performance.now() - w0) / 1000;
  const hz = 100; // USER_HZ on Linux
  const byLabel = new Map<string, number>();
  let total = 0;
  for (const [pid, a] of after) {
    const d = (a.ticks - (before.get(pid)?.ticks ?? 0)) / hz;
    total += d;
    byLabel.set(a.label, (byLabel.get(a.label) ?? 0) + d);
  }
  const cpus = os.availableParallelism();
  console.log(`idle ${wall.toFixed(0)} s, ${nodes.ready} nodes Ready, ${after.size} processes: ${((100 * total) / wall / cpus).toFixed(1)} % of ${cpus} CPUs (${((100 * total) / wall).toFixed(1)} % of one CPU)`);
  console.log(`leader Leases before the window: ${leadersBefore}`);
  console.log(`leader Leases after the window:  ${leadersAfter}`);
  for (const [label, s] of [...byLabel].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${label.padEnd(26)} ${((100 * s) / wall).toFixed(2)} % of one CPU`);
} catch (e) {
  console.log(`not measured further: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  if (state || stateDir) await labDown(stateDir).catch((e: unknown) => console.log(`lab down failed: ${String(e)}`));
  await rm(stateDir, { recursive: true, force: true });
}
