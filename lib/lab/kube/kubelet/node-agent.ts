// What a kubelet does through the API once it has credentials: register its Node, keep its Lease
// (kube-node-lease, renewed every leaseDuration/4) and its status (computed every
// nodeStatusUpdateFrequency, sent when it changed or every nodeStatusReportFrequency), publish
// mirror pods for its static pods, mark pods bound to it Running and Ready, and finish the deletion
// of its terminating pods once their containers would have stopped (termination.ts; DELETE with
// gracePeriodSeconds 0).
import { readdir } from 'node:fs/promises';
import { ApiError, type KubeClient, type KubeObject } from '../common/client.js';
import type { SemVer } from '../common/versions.js';
import type { KubeletConfig } from './config.js';
import { log, q } from './log.js';
import { conditions, defaultLabels, nodeStatus, type HostFacts, type NodeCondition, type Taint } from './node-info.js';
import type { ContainerStatus } from './pod-runner.js';
import type { StaticPods } from './static-pods.js';
import { removalDelayMs } from './termination.js';

export const CNI_DIR = '/etc/cni/net.d';

export interface AgentOptions {
  client: KubeClient;
  cfg: KubeletConfig;
  version: SemVer;
  host: HostFacts;
  labels: Record<string, string>;
  taints: Taint[];
  /** --register-node (default true): false leaves the Node to whoever creates it */
  registerNode: boolean;
  statics: StaticPods | undefined;
}

type Obj = Record<string, unknown>;
interface Pod extends KubeObject {
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { name: string; image: string }[]; initContainers?: { name: string; image: string }[]; [k: string]: unknown };
  status?: Obj;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const microNow = (): string => new Date().toISOString().replace(/Z$/, '000Z');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A CNI network configuration is present (what the runtime's CNI plugin looks for). */
export async function cniConfigured(dir = CNI_DIR): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => /\.(conf|conflist|json)$/.test(n));
  } catch {
    return false;
  }
}

export class NodeAgent {
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private nodeUid = '';
  private lastConditions: NodeCondition[] = [];
  private lastSent = 0;
  private lastSentKey = '';
  private readonly pods = new Map<string, Pod>();
  private readonly written = new Map<string, string>();
  private readonly finalDeletes = new Map<string, NodeJS.Timeout>();
  private watchStop: (() => void) | undefined;
  private syncQueued = false;
  private syncing: Promise<void> = Promise.resolve();
  private podIpNext = 1;
  private cidrCheckedAt = 0;
  /** spec.podCIDR once the controller-manager allocated it (--allocate-node-cidrs) */
  private podCIDR = '';
  private readonly podIps = new Map<string, string>();

  constructor(private readonly o: AgentOptions) {}

  private get name(): string {
    return this.o.host.nodeName;
  }

  async start(): Promise<void> {
    if (this.o.registerNode) await this.register();
    if (this.stopped) return;
    const leaseMs = Math.max(1000, (this.o.cfg.nodeLeaseDurationSeconds * 1000) / 4);
    void this.renewLease();
    this.timers.push(setInterval(() => void this.renewLease(), leaseMs));
    void this.updateStatus();
    this.timers.push(setInterval(() => void this.updateStatus(), Math.max(1000, this.o.cfg.nodeStatusUpdateFrequency)));
    void this.watchPods();
    // a periodic pass as the kubelet's sync loop has (syncFrequency), cheap when nothing changed
    this.timers.push(setInterval(() => this.queueSync(), 10_000));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.finalDeletes.values()) clearTimeout(t);
    this.watchStop?.();
  }

  // ---- node registration and status -------------------------------------------------------

  private async register(): Promise<void> {
    const c = this.o.client;
    const path = `/api/v1/nodes/${this.name}`;
    while (!this.stopped) {
      log.info('kubelet_node_status.go:70', `"Attempting to register node" node=${q(this.name)}`);
      const ready = await cniConfigured();
      const node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: this.name,
          labels: { ...defaultLabels(this.name), ...this.o.labels },
          annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
        },
        spec: this.o.taints.length ? { taints: this.o.taints } : {},
        status: { ...nodeStatus(this.o.host, this.o.version, this.o.cfg.maxPods, this.o.cfg.port), conditions: this.stampConditions(conditions(ready, this.o.version)) },
      };
      try {
        const made = await c.create(`/api/v1/nodes`, node);
        this.nodeUid = made.metadata.uid ?? '';
        this.notePodCIDR(made);
        log.info('kubelet_node_status.go:73', `"Successfully registered node" node=${q(this.name)}`);
        return;
      } catch (e) {
        if (e instanceof ApiError && e.code === 409) {
          // already registered (a restart): keep its labels and taints, refresh the kubelet's own labels
          try {
            const made = await c.patch(path, { metadata: { labels: defaultLabels(this.name) } }, 'merge');
            this.nodeUid = made.metadata.uid ?? '';
            this.notePodCIDR(made);
            log.info('kubelet_node_status.go:73', `"Successfully registered node" node=${q(this.name)}`);
            return;
          } catch (e2) {
            log.error('kubelet_node_status.go:94', `"Unable to reconcile node with API server" err=${q((e2 as Error).message)} node=${q(this.name)}`);
          }
        } else {
          log.error('kubelet_node_status.go:94', `"Unable to register node with API server" err=${q((e as Error).message)} node=${q(this.name)}`);
        }
      }
      await sleep(7000);
    }
  }

  /** Keeps lastTransitionTime of conditions whose status did not change; sets heartbeat now. */
  private stampConditions(next: NodeCondition[]): NodeCondition[] {
    const t = now();
    const out = next.map((c) => {
      const prev = this.lastConditions.find((p) => p.type === c.type);
      return { ...c, lastHeartbeatTime: t, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : t };
    });
    this.lastConditions = out;
    return out;
  }

  private async updateStatus(): Promise<void> {
    if (this.stopped) return;
    const ready = await cniConfigured();
    const next = conditions(ready, this.o.version);
    const key = JSON.stringify(next.map((c) => [c.type, c.status, c.reason]));
    const due = Date.now() - this.lastSent >= this.o.cfg.nodeStatusReportFrequency;
    if (key === this.lastSentKey && !due) return;
    // (the real kubelet reads its Node from an informer every period; the double reads it only when it sends)
    const c = this.o.client;
    const path = `/api/v1/nodes/${this.name}`;
    try {
      const node = await c.get(path);
      this.notePodCIDR(node);
      const status = { ...((node['status'] as Obj | undefined) ?? {}), ...nodeStatus(this.o.host, this.o.version, this.o.cfg.maxPods, this.o.cfg.port) };
      // start from what the API holds so a transition keeps its time across kubelet restarts
      if (!this.lastConditions.length && Array.isArray(status['conditions'])) this.lastConditions = status['conditions'] as NodeCondition[];
      status['conditions'] = this.stampConditions(next);
      await c.update(`${path}/status`, { ...node, status });
      if (key !== this.lastSentKey) log.info('setters.go:580', `"Node became ${ready ? 'ready' : 'not ready'}" node=${q(this.name)} condition=${q(JSON.stringify(status['conditions']))}`);
      this.lastSentKey = key;
      this.lastSent = Date.now();
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) {
        // the Node was deleted (kubectl delete node): the real kubelet registers only at start, so
        // it stays away until the kubelet restarts
        log.error('kubelet_node_status.go:535', `"Error updating node status, will retry" err=${q(`error getting node "${this.name}": nodes "${this.name}" not found`)}`);
        this.lastSentKey = '';
        return;
      }
      log.error('kubelet_node_status.go:535', `"Error updating node status, will retry" err=${q((e as Error).message)}`);
    }
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    const c = this.o.client;
    const base = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const spec = { holderIdentity: this.name, leaseDurationSeconds: this.o.cfg.nodeLeaseDurationSeconds, renewTime: microNow() };
    try {
      const lease = await c.tryGet(`${base}/${this.name}`);
      if (!lease) {
        await c.create(base, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: this.name,
            namespace: 'kube-node-lease',
            ownerReferences: this.nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: this.nodeUid }] : undefined,
          },
          spec,
        });
        return;
      }
      await c.update(`${base}/${this.name}`, { ...lease, spec: { ...((lease['spec'] as Obj | undefined) ?? {}), ...spec } });
    } catch (e) {
      log.error('controller.go:145', `"Failed to ensure lease exists, will retry" err=${q((e as Error).message)} interval="${Math.round(this.o.cfg.nodeLeaseDurationSeconds / 4)}s"`);
    }
  }

  // ---- pods ---------------------------------------------------------------------------------

  private async watchPods(): Promise<void> {
    const c = this.o.client;
    const sel = { fieldSelector: `spec.nodeName=${this.name}` };
    while (!this.stopped) {
      try {
        const list = await c.list<Pod>('/api/v1/pods', sel);
        this.pods.clear();
        for (const p of list.items) this.pods.set(podKey(p), p);
        this.queueSync();
        const w = c.watch<Pod>('/api/v1/pods', { ...sel, resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 300 }, (ev) => {
          if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return;
          if (ev.type === 'DELETED') this.pods.delete(podKey(ev.object));
          else this.pods.set(podKey(ev.object), ev.object);
          this.queueSync();
        });
        this.watchStop = () => w.stop();
        await w.done;
      } catch (e) {
        if (!this.stopped) log.error('reflector.go:138', `"Failed to watch" err=${q((e as Error).message)} type="*v1.Pod"`);
      }
      if (!this.stopped) await sleep(2000);
    }
  }

  /** Static pods changed (started, stopped, restarted a container). */
  staticsChanged(): void {
    this.queueSync();
  }

  private queueSync(): void {
    if (this.syncQueued || this.stopped) return;
    this.syncQueued = true;
    this.syncing = this.syncing
      .then(async () => {
        await sleep(100);
        this.syncQueued = false;
        await this.syncPods();
      })
      .catch((e: unknown) => log.error('kubelet.go:2040', `"Error syncing pods" err=${q(String(e))}`));
  }

  private async syncPods(): Promise<void> {
    if (this.stopped) return;
    await this.refreshPodCIDR();
    const statics = [...(this.o.statics?.pods.values() ?? [])];
    const mirrorHashes = new Set(statics.map((s) => s.hash));
    for (const [key, pod] of [...this.pods]) {
      const mirror = pod.metadata.annotations?.['kubernetes.io/config.mirror'];
      if (mirror !== undefined) {
        // a mirror pod of a static pod this kubelet no longer runs, or one somebody deleted: remove
        if (!mirrorHashes.has(mirror) || pod.metadata.deletionTimestamp) await this.deleteNow(pod, 'mirror');
        continue;
      }
      if (pod.metadata.deletionTimestamp) {
        this.scheduleFinalDelete(key, pod);
        continue;
      }
      await this.markRunning(pod);
    }
    for (const s of statics) await this.syncMirror(s.podName, s.namespace, s.hash, s.object, s.seen, s.procs.statuses());
  }

  private scheduleFinalDelete(key: string, pod: Pod): void {
    if (this.finalDeletes.has(key)) return;
    const wait = removalDelayMs(pod.spec, pod.metadata.deletionTimestamp!);
    log.info('kubelet.go:2445', `"SyncLoop DELETE" source="api" pods=[${q(key)}] finalDeleteIn="${Math.round(wait / 1000)}s"`);
    this.finalDeletes.set(
      key,
      setTimeout(() => {
        this.finalDeletes.delete(key);
        void this.deleteNow(pod, 'terminated');
      }, wait),
    );
  }

  private async deleteNow(pod: Pod, why: string): Promise<void> {
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    try {
      await this.o.client.delete(path, { gracePeriodSeconds: 0, preconditions: pod.metadata.uid ? { uid: pod.metadata.uid } : undefined });
      log.info('status_manager.go:895', `"Pod fully terminated and removed from etcd" pod=${q(podKey(pod))} reason=${q(why)}`);
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) {
        log.error('status_manager.go:880', `"Failed to delete status for pod" pod=${q(podKey(pod))} err=${q((e as Error).message)}`);
      }
    }
  }

  private notePodCIDR(node: KubeObject): void {
    const cidr = (node['spec'] as { podCIDR?: unknown } | undefined)?.podCIDR;
    if (typeof cidr === 'string' && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) && cidr !== this.podCIDR) {
      log.info('kubelet_network.go:77', `"Updating Pod CIDR" originalPodCIDR=${q(this.podCIDR)} newPodCIDR=${q(cidr)}`);
      this.podCIDR = cidr;
    }
  }

  /** The controller-manager may allocate the node's podCIDR after registration: look until it has. */
  private async refreshPodCIDR(force = false): Promise<void> {
    if (this.podCIDR || (!force && Date.now() - this.cidrCheckedAt < 10_000)) return;
    this.cidrCheckedAt = Date.now();
    try {
      this.notePodCIDR(await this.o.client.get(`/api/v1/nodes/${this.name}`));
    } catch {
      /* the next pass */
    }
  }

  private podIp(pod: Pod): string {
    if (pod.spec?.hostNetwork) return this.o.host.address;
    const uid = pod.metadata.uid ?? podKey(pod);
    let ip = this.podIps.get(uid);
    if (!ip) {
      // no CNI plugin runs: addresses from the node's podCIDR as host-local IPAM hands them out
      // (from .2), or from 10.88.<host octet>.0/24 while the node has none (README "Test doubles")
      const n = this.podIpNext++ % 250 || 250;
      if (this.podCIDR) {
        const [a, b, c] = this.podCIDR.split('/')[0]!.split('.');
        ip = `${a}.${b}.${c}.${n + 1}`;
      } else {
        const octet = parseInt(this.o.host.address.split('.')[3] ?? '1', 10) % 256;
        ip = `10.88.${octet}.${n + 1}`;
      }
      this.podIps.set(uid, ip);
    }
    return ip;
  }

  private async markRunning(pod: Pod): Promise<void> {
    const st = pod.status ?? {};
    if (st['phase'] === 'Succeeded' || st['phase'] === 'Failed') return; // terminal: nothing runs any more
    const ready = Array.isArray(st['conditions']) && (st['conditions'] as Obj[]).some((c) => c['type'] === 'Ready' && c['status'] === 'True');
    if (st['phase'] === 'Running' && ready) return;
    const started = now();
    const containers = (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: `lab://${pod.metadata.uid ?? ''}-${c.name}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: started } },
    }));
    // a pod that needs an address: look at the Node's podCIDR first (the allocator may have set it)
    if (!pod.spec?.hostNetwork && !this.podIps.has(pod.metadata.uid ?? podKey(pod))) await this.refreshPodCIDR(true);
    const ip = this.podIp(pod);
    const status = {
      ...st,
      phase: 'Running',
      conditions: podConditions(true, started),
      hostIP: this.o.host.address,
      hostIPs: [{ ip: this.o.host.address }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: (st['startTime'] as string | undefined) ?? started,
      containerStatuses: containers,
      // init containers ran to completion before the app containers started (as kwok's pod-ready stage)
      ...(pod.spec?.initContainers?.length
        ? {
            initContainerStatuses: pod.spec.initContainers.map((c) => ({
              name: c.name,
              image: c.image,
              imageID: '',
              containerID: `lab://${pod.metadata.uid ?? ''}-${c.name}`,
              ready: true,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: started } },
            })),
          }
        : {}),
    };
    try {
      await this.o.client.update(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { ...pod, status });
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 409 || e.code === 404))) {
        log.error('status_manager.go:725', `"Failed to update status for pod" pod=${q(podKey(pod))} err=${q((e as Error).message)}`);
      }
    }
  }

  private async syncMirror(name: string, ns: string, hash: string, manifest: Obj, seen: string, containers: ContainerStatus[]): Promise<void> {
    const c = this.o.client;
    const path = `/api/v1/namespaces/${ns}/pods/${name}`;
    let mirror = this.pods.get(`${ns}/${name}`);
    if (mirror && mirror.metadata.annotations?.['kubernetes.io/config.mirror'] !== hash) {
      await this.deleteNow(mirror, 'mirror outdated');
      mirror = undefined;
    }
    const allRunning = containers.every((x) => x.running);
    const statusKey = JSON.stringify([hash, containers.map((x) => [x.running, x.restartCount, x.waiting ?? ''])]);
    if (mirror && this.written.get(path) === statusKey && mirror.status?.['phase']) return;
    try {
      if (!mirror) {
        const meta = (manifest['metadata'] as Obj | undefined) ?? {};
        mirror = await c.create<Pod>(`/api/v1/namespaces/${ns}/pods`, {
          ...manifest,
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            ...meta,
            name,
            namespace: ns,
            annotations: {
              ...((meta['annotations'] as Obj | undefined) ?? {}),
              'kubernetes.io/config.hash': hash,
              'kubernetes.io/config.mirror': hash,
              'kubernetes.io/config.seen': seen,
              'kubernetes.io/config.source': 'file',
            },
            ownerReferences: this.nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: this.name, uid: this.nodeUid, controller: true }] : undefined,
          },
          spec: { ...((manifest['spec'] as Obj | undefined) ?? {}), nodeName: this.name },
          status: undefined,
        });
        log.info('mirror_client.go:91', `"Created mirror pod" pod=${q(`${ns}/${name}`)}`);
      }
      const startedAt = containers.map((x) => x.startedAt).filter(Boolean).sort()[0] ?? now();
      const status = {
        phase: 'Running',
        conditions: podConditions(allRunning, startedAt),
        hostIP: this.o.host.address,
        hostIPs: [{ ip: this.o.host.address }],
        podIP: this.o.host.address,
        podIPs: [{ ip: this.o.host.address }],
        startTime: startedAt,
        qosClass: 'Burstable',
        containerStatuses: containers.map((x) => ({
          name: x.name,
          image: x.image,
          imageID: '',
          containerID: `lab://${hash}-${x.name}`,
          ready: x.running,
          started: x.running,
          restartCount: x.restartCount,
          state: x.running
            ? { running: { startedAt: x.startedAt } }
            : { waiting: { reason: x.waiting ?? 'ContainerCreating', message: x.lastExit ? `back-off restarting failed container ${x.name}` : '' } },
          ...(x.lastExit ? { lastState: { terminated: { exitCode: x.lastExit.exitCode, reason: 'Error', finishedAt: x.lastExit.finishedAt } } } : {}),
        })),
      };
      await c.update(`${path}/status`, { ...mirror, status });
      this.written.set(path, statusKey);
    } catch (e) {
      if (e instanceof ApiError && e.code === 409) {
        this.written.delete(path);
        return; // the watch brings the newer object; the next sync retries
      }
      log.error('kubelet.go:1730', `"Failed creating a mirror pod for" err=${q((e as Error).message)} pod=${q(`${ns}/${name}`)}`);
    }
  }
}

function podKey(p: KubeObject): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`;
}

function podConditions(ready: boolean, t: string): Obj[] {
  const s = ready ? 'True' : 'False';
  return [
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t },
    { type: 'Ready', status: s, lastProbeTime: null, lastTransitionTime: t },
    { type: 'ContainersReady', status: s, lastProbeTime: null, lastTransitionTime: t },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t },
  ];
}

