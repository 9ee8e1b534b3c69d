// The upgrade path 1.14.3 → 1.18.5 on the lab (issue 13 "Proof"), shared by
// test/lab/kube/upgrade-path.test.ts (3 masters + 2 workers) and bench/upgrade-path.ts (3 + 5):
// a 1.14.3 cluster built as kubeadm 1.14 builds one (v1beta1 config, `kubeadm init
// --experimental-upload-certs`, `kubeadm join --experimental-control-plane --certificate-key`,
// stacked etcd), kubespray's inventory of it, a Deployment under a PodDisruptionBudget that allows
// one disruption, a poll of what the API shows during a run, and what a run's --json events say
// about its order.
import { rm, writeFile } from 'node:fs/promises';
import { labConnectionVars, labDown, type LabState } from '../../../lib/lab/index.js';
import { initConfig116, initScript, joinCommandOf, prepareNodeScript, writeCniScript } from '../../../lib/lab/kube/packages/labflow.js';
import type { RunEvent } from '../../../lib/report/events.js';
import { labSsh } from '../../helpers/lab.js';

export interface PathHost {
  name: string;
  address: string;
}

export const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
/** the steps, one minor each (the lab repository's patch of each minor) */
export const PATH = ['1.14.3', '1.15.6', '1.16.3', '1.17.7', '1.18.5'];
/** the kubeadm.k8s.io version each release's kubeadm writes (FACTS §2.5) */
export const KUBEADM_API: Record<string, string> = {
  '1.14.3': 'kubeadm.k8s.io/v1beta1',
  '1.15.6': 'kubeadm.k8s.io/v1beta2',
  '1.16.3': 'kubeadm.k8s.io/v1beta2',
  '1.17.7': 'kubeadm.k8s.io/v1beta2',
  '1.18.5': 'kubeadm.k8s.io/v1beta2',
};
/** a kubespray inventory beyond its groups: the kubeadm-built etcd is stacked (the packages' binaries are in kube_packages_bin_dir, /usr/bin) */
export const EXTRA = ['-e', 'etcd_deployment_type=kubeadm'];
export const WORKLOAD = { name: 'web', replicas: 3, minAvailable: 2 };

export async function ok(state: LabState, host: string, cmd: string, input?: string): Promise<string> {
  const r = await labSsh(state, host, cmd, input === undefined ? {} : { input });
  if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** kubeadm 1.14's config: v1beta1 (1.14 reads v1alpha3 and v1beta1, writes v1beta1) */
export function initConfig114(m: PathHost, endpoint: string): string {
  return initConfig116(m.name, m.address, 'v1.14.3', endpoint).replaceAll('kubeadm.k8s.io/v1beta2', 'kubeadm.k8s.io/v1beta1');
}

export async function waitFor(what: string, probe: () => Promise<boolean>, seconds = 300): Promise<void> {
  for (let i = 0; i < seconds / 2; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`timed out after ${seconds}s waiting for ${what}`);
}

/** node → kubelet version, `cordoned` appended when unschedulable (real kubectl on masters[0]) */
export async function nodeVersions(state: LabState, via: PathHost): Promise<Record<string, string>> {
  const text = await ok(state, via.name, `${KUBECTL} get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.nodeInfo.kubeletVersion} {.spec.unschedulable}{"\\n"}{end}'`);
  return Object.fromEntries(text.trim().split('\n').map((l) => { const [n, v, u] = l.split(' '); return [n!, `${v}${u === 'true' ? ' cordoned' : ''}`]; }));
}

/**
 * Packages 1.14.3 on every host (two at a time: dpkg on many hosts at once crowds two CPUs), the
 * kubeadm config on every master (kubespray writes kubeadm-config.yaml on each), `kubeadm init
 * --experimental-upload-certs` on the first, the others joined with `--experimental-control-plane`
 * one at a time, the workers joined; returns when every node is Ready.
 */
export async function build114(state: LabState, masters: PathHost[], workers: PathHost[], log: (s: string) => void = () => undefined): Promise<void> {
  const all = [...masters, ...workers];
  for (let i = 0; i < all.length; i += 2) await Promise.all(all.slice(i, i + 2).map((h) => ok(state, h.name, `${prepareNodeScript('1.14.3-00')} && ${writeCniScript()}`)));
  log('packages 1.14.3 installed');
  const endpoint = `${masters[0]!.address}:6443`;
  for (const m of masters) await ok(state, m.name, 'mkdir -p /etc/kubernetes && cat > /etc/kubernetes/kubeadm-config.yaml', initConfig114(m, endpoint));
  const init = await ok(state, masters[0]!.name, initScript('/etc/kubernetes/kubeadm-config.yaml', '--experimental-upload-certs'));
  if (!/\nexit 0\n$/.test(init)) throw new Error(`kubeadm init on ${masters[0]!.name} failed:\n${init}`);
  log('kubeadm init done');
  const worker = joinCommandOf(init);
  const key = /--certificate-key ([0-9a-f]{64})/.exec(init)?.[1];
  if (!worker || !key) throw new Error(`kubeadm init printed no join commands:\n${init}`);
  // kubeadm 1.14's words for a control-plane join
  for (const [i, m] of masters.slice(1).entries()) {
    await etcdSettled(state, masters[0]!, i + 1);
    await ok(state, m.name, `${worker} --experimental-control-plane --certificate-key ${key} 2>&1`);
  }
  log('masters joined');
  for (const w of workers) await ok(state, w.name, `${worker} 2>&1`);
  await waitFor(`${all.length} nodes Ready`, async () => {
    const text = await ok(state, masters[0]!.name, `${KUBECTL} get nodes --no-headers`);
    return all.every((h) => new RegExp(`^${h.name}\\s+Ready\\s`, 'm').test(text));
  });
  log('all nodes Ready');
}

/**
 * Waits for `members` started etcd members, then 6 s more: etcd refuses a member add ("unhealthy
 * cluster") until every member has been connected for 5 s, and kubeadm 1.14 does not retry it
 * (1.15 does: kubeadm#1646), so an operator joining 1.14 masters waits between them.
 */
async function etcdSettled(state: LabState, via: PathHost, members: number): Promise<void> {
  const pki = '/etc/kubernetes/pki/etcd';
  const list = `ETCDCTL_API=3 etcdctl --endpoints https://${via.address}:2379 --cacert ${pki}/ca.crt --cert ${pki}/healthcheck-client.crt --key ${pki}/healthcheck-client.key member list`;
  await waitFor(`${members} started etcd members`, async () => (await ok(state, via.name, list)).split('\n').filter((l) => l.includes(', started, ')).length === members);
  await new Promise((r) => setTimeout(r, 6000));
}

/** An inventory of one lab host (root over the lab's key), for the tests that run one role's steps alone. */
export async function writeOneHostInventory(state: LabState, file: string, host: PathHost): Promise<void> {
  const conn = labConnectionVars(state);
  await writeFile(file, [
    `${host.name} ansible_host=${host.address} ansible_user=root`,
    '[all:vars]',
    `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
    '',
  ].join('\n'));
}

/** the lab down and its state dir and the test's scratch dir gone (an after hook's work) */
export async function dropLab(stateDir: string | undefined, dir: string | undefined): Promise<void> {
  if (stateDir) {
    await labDown(stateDir).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** kubespray's inventory shape (seed 004, legacy group names), stacked etcd on the masters */
export async function writePathInventory(state: LabState, file: string, masters: PathHost[], workers: PathHost[]): Promise<void> {
  const conn = labConnectionVars(state);
  await writeFile(file, [
    '[all]',
    ...[...masters, ...workers].map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ip=${h.address}`),
    '', '[etcd]', ...masters.map((m) => m.name),
    '', '[kube-master]', ...masters.map((m) => m.name),
    '', '[kube-node]', ...workers.map((w) => w.name),
    '', '[calico-rr]',
    '', '[k8s-cluster:children]', 'kube-master', 'kube-node', 'calico-rr',
    '', '[all:vars]',
    `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
    `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
    // the lab's one repository (written by `lab up`) has every version: no per-minor source to switch
    'kube_apt_repo_manage=False',
    '',
  ].join('\n'));
}

/** A Deployment of WORKLOAD.replicas on the workers and a PDB (policy/v1beta1, as 1.14-1.20 serve) that allows one disruption. */
export async function deployWorkload(state: LabState, via: PathHost): Promise<void> {
  const { name, replicas, minAvailable } = WORKLOAD;
  await ok(state, via.name, `${KUBECTL} apply --validate=false -f -`, [
    'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}, namespace: default}`,
    'spec:', `  replicas: ${replicas}`, `  selector: {matchLabels: {app: ${name}}}`, '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:', '      containers:', `      - name: ${name}`, '        image: nginx:1.17',
    '---',
    'apiVersion: policy/v1beta1', 'kind: PodDisruptionBudget', `metadata: {name: ${name}, namespace: default}`,
    'spec:', `  minAvailable: ${minAvailable}`, `  selector: {matchLabels: {app: ${name}}}`,
  ].join('\n'));
  await waitFor(`${replicas} ${name} pods Ready and the PDB allowing 1 disruption`, async () =>
    (await readyPods(state, via, [via])) === replicas &&
    (await ok(state, via.name, `${KUBECTL} get pdb ${name} -o jsonpath='{.status.disruptionsAllowed}'`)).trim() === '1');
}

/**
 * Ready pods of the workload that are not being deleted (what the disruption controller counts
 * as healthy), through the first API server of `servers` that answers; null when none did.
 */
export async function readyPods(state: LabState, via: PathHost, servers: PathHost[]): Promise<number | null> {
  const jp = `{range .items[*]}{.metadata.name} {.metadata.deletionTimestamp} {range .status.conditions[?(@.type=="Ready")]}{.status}{end}{"\\n"}{end}`;
  const tries = servers.map((s) => `${KUBECTL} --server https://${s.address}:6443 --request-timeout=4s get pods -l app=${WORKLOAD.name} -o jsonpath='${jp}'`);
  const r = await labSsh(state, via.name, `${tries.map((t) => `${t} && exit 0`).join('\n')}\nexit 1`);
  if (r.rc !== 0) return null;
  // with no deletionTimestamp the line has two spaces: `name  True`
  return r.stdout.split('\n').filter((l) => / {2}True$/.test(l)).length;
}

/** unschedulable node names, through the first API server that answers; null when none did */
export async function cordoned(state: LabState, via: PathHost, servers: PathHost[]): Promise<string[] | null> {
  const jp = '{range .items[*]}{.metadata.name} {.spec.unschedulable}{"\\n"}{end}';
  const tries = servers.map((s) => `${KUBECTL} --server https://${s.address}:6443 --request-timeout=4s get nodes -o jsonpath='${jp}'`);
  const r = await labSsh(state, via.name, `${tries.map((t) => `${t} && exit 0`).join('\n')}\nexit 1`);
  if (r.rc !== 0) return null;
  return r.stdout.split('\n').filter((l) => l.endsWith(' true')).map((l) => l.split(' ')[0]!);
}

export interface Sample {
  at: number;
  ready: number | null;
  cordoned: string[] | null;
}

/** Polls ready pods and cordoned nodes every `everyMs` until stop() is called; returns the samples. */
export function poll(state: LabState, via: PathHost, servers: PathHost[], everyMs = 1500): { stop: () => Promise<Sample[]> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const [ready, cords] = await Promise.all([readyPods(state, via, servers).catch(() => null), cordoned(state, via, servers).catch(() => null)]);
      samples.push({ at, ready, cordoned: cords });
      const wait = everyMs - (Date.now() - at);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return { stop: async () => { running = false; await loop; return samples; } };
}

type HostResult = Extract<RunEvent, { type: 'host_result' }>;
const results = (events: RunEvent[]): HostResult[] => events.filter((e): e is HostResult => e.type === 'host_result');

/** The order a run took, from its --json events: per host, the event indexes of its cordon and uncordon. */
export function cordonWindows(events: RunEvent[]): { host: string; cordon: number; uncordon: number }[] {
  const out: { host: string; cordon: number; uncordon: number }[] = [];
  events.forEach((e, i) => {
    if (e.type !== 'host_result' || e.status === 'skipped' || e.status === 'failed') return;
    if (e.task === 'cordon node') out.push({ host: e.host, cordon: i, uncordon: -1 });
    if (e.task === 'uncordon node') {
      const w = out.find((x) => x.host === e.host && x.uncordon < 0);
      if (w) w.uncordon = i;
    }
  });
  return out;
}

/** the most windows open at once (a window never closed counts as open to the end) */
export function mostOpenAtOnce(windows: { cordon: number; uncordon: number }[]): number {
  let most = 0;
  for (const w of windows) {
    const open = windows.filter((x) => x.cordon <= w.cordon && (x.uncordon < 0 || x.uncordon > w.cordon)).length;
    most = Math.max(most, open);
  }
  return most;
}

/** hosts whose kubeadm upgrade (apply or node) ran and did not fail, in order, with the event index */
export function kubeadmUpgrades(events: RunEvent[]): { host: string; at: number }[] {
  const out: { host: string; at: number }[] = [];
  events.forEach((e, i) => {
    if (e.type === 'host_result' && e.task.startsWith('kubeadm upgrade ') && e.status !== 'skipped' && e.status !== 'failed') out.push({ host: e.host, at: i });
  });
  return out;
}

export { results as hostResults };
