// Server-side Tables (`Accept: application/json;as=Table;...`), the columns of the real printers
// (kubernetes pkg/printers/internalversion/printers.go, ANCHORS §6): nodes, pods, namespaces,
// PDBs, CSRs, deployments, replicasets, daemonsets, configmaps, secrets, services, leases (their
// default columns); every other resource gets NAME and AGE.
import type { KubeObject } from '../common/client.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: name, priority });

/** apimachinery's HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

function age(o: KubeObject, now: number): string {
  const t = o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

type R = Record<string, unknown>;
const obj = (v: unknown): R => (v && typeof v === 'object' && !Array.isArray(v) ? (v as R) : {});
const arr = (v: unknown): R[] => (Array.isArray(v) ? (v as R[]) : []);

interface Printer {
  columns: Column[];
  cells(o: KubeObject, now: number): (string | number)[];
}

const nodePrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
  cells(o, now) {
    const spec = obj(o['spec']);
    const st = obj(o['status']);
    const ready = arr(st['conditions']).find((c) => c['type'] === 'Ready');
    let status = !ready ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady';
    if (spec['unschedulable'] === true) status += ',SchedulingDisabled';
    const roles = new Set<string>();
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v) roles.add(v);
    }
    const addr = (t: string): string => String(arr(st['addresses']).find((a) => a['type'] === t)?.['address'] ?? '<none>');
    const info = obj(st['nodeInfo']);
    const orUnknown = (v: unknown): string => (typeof v === 'string' && v ? v : '<unknown>');
    return [
      o.metadata.name ?? '',
      status,
      roles.size ? [...roles].sort().join(',') : '<none>',
      age(o, now),
      String(info['kubeletVersion'] ?? ''),
      addr('InternalIP'),
      addr('ExternalIP'),
      orUnknown(info['osImage']),
      orUnknown(info['kernelVersion']),
      orUnknown(info['containerRuntimeVersion']),
    ];
  },
};

const podPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
  cells(o, now) {
    const spec = obj(o['spec']);
    const st = obj(o['status']);
    const containers = arr(spec['containers']);
    const statuses = arr(st['containerStatuses']);
    let reason = String(st['reason'] ?? '') || String(st['phase'] ?? '');
    let ready = 0;
    let restarts = 0;
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += Number(c['restartCount'] ?? 0);
      const state = obj(c['state']);
      const waiting = obj(state['waiting']);
      const term = obj(state['terminated']);
      if (waiting['reason']) reason = String(waiting['reason']);
      else if (term['reason']) reason = String(term['reason']);
      else if (state['terminated']) reason = term['signal'] ? `Signal:${term['signal']}` : `ExitCode:${term['exitCode']}`;
      else if (state['running'] && c['ready'] === true) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(st['conditions']).find((c) => c['type'] === 'Ready');
      reason = podReady?.['status'] === 'True' ? 'Running' : 'NotReady';
    }
    const phase = String(st['phase'] ?? '');
    if (o.metadata.deletionTimestamp && st['reason'] === 'NodeLost') reason = 'Unknown';
    else if (o.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
    const ips = arr(st['podIPs']);
    const ip = String(ips[0]?.['ip'] ?? st['podIP'] ?? '') || '<none>';
    const gates = arr(spec['readinessGates']);
    const gatesTrue = gates.filter((g) => arr(st['conditions']).some((c) => c['type'] === g['conditionType'] && c['status'] === 'True')).length;
    return [
      o.metadata.name ?? '',
      `${ready}/${containers.length}`,
      reason,
      String(restarts),
      age(o, now),
      ip,
      String(spec['nodeName'] ?? '') || '<none>',
      String(st['nominatedNodeName'] ?? '') || '<none>',
      gates.length ? `${gatesTrue}/${gates.length}` : '<none>',
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
  cells: (o, now) => [o.metadata.name ?? '', String(obj(o['status'])['phase'] ?? ''), age(o, now)],
};

const pdbPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
  cells(o, now) {
    const spec = obj(o['spec']);
    const na = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));
    return [o.metadata.name ?? '', na(spec['minAvailable']), na(spec['maxUnavailable']), Number(obj(o['status'])['disruptionsAllowed'] ?? 0), age(o, now)];
  },
};

const csrPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Age'), col('SignerName'), col('Requestor'), col('Condition')],
  cells(o, now) {
    const spec = obj(o['spec']);
    const conds = arr(obj(o['status'])['conditions']).map((c) => String(c['type']));
    let cond = conds.length ? conds.join(',') : 'Pending';
    if (obj(o['status'])['certificate']) cond += ',Issued';
    return [o.metadata.name ?? '', age(o, now), String(spec['signerName'] ?? '') || '<none>', String(spec['username'] ?? ''), cond];
  },
};

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const name = (o: KubeObject): string => o.metadata.name ?? '';

const deploymentPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age')],
  cells(o, now) {
    const st = obj(o['status']);
    return [name(o), `${num(st['readyReplicas'])}/${num(obj(o['spec'])['replicas'] ?? 1)}`, num(st['updatedReplicas']), num(st['availableReplicas']), age(o, now)];
  },
};

const replicaSetPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age')],
  cells(o, now) {
    const st = obj(o['status']);
    return [name(o), num(obj(o['spec'])['replicas'] ?? 1), num(st['replicas']), num(st['readyReplicas']), age(o, now)];
  },
};

const daemonSetPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), col('Age')],
  cells(o, now) {
    const st = obj(o['status']);
    const sel = Object.entries(obj(obj(obj(obj(o['spec'])['template'])['spec'])['nodeSelector'])).map(([k, v]) => `${k}=${String(v)}`);
    return [name(o), num(st['desiredNumberScheduled']), num(st['currentNumberScheduled']), num(st['numberReady']), num(st['updatedNumberScheduled']), num(st['numberAvailable']), sel.length ? sel.join(',') : '<none>', age(o, now)];
  },
};

const configMapPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Data', 'integer'), col('Age')],
  cells: (o, now) => [name(o), Object.keys(obj(o['data'])).length + Object.keys(obj(o['binaryData'])).length, age(o, now)],
};

const secretPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Type'), col('Data', 'integer'), col('Age')],
  cells: (o, now) => [name(o), String(o['type'] ?? 'Opaque'), Object.keys(obj(o['data'])).length, age(o, now)],
};

const servicePrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age')],
  cells(o, now) {
    const spec = obj(o['spec']);
    const ports = arr(spec['ports']).map((p) => `${String(p['port'])}${p['nodePort'] ? `:${String(p['nodePort'])}` : ''}/${String(p['protocol'] ?? 'TCP')}`);
    const ext = arr(spec['externalIPs']).map(String);
    return [name(o), String(spec['type'] ?? 'ClusterIP'), String(spec['clusterIP'] ?? '') || '<none>', ext.length ? ext.join(',') : '<none>', ports.length ? ports.join(',') : '<none>', age(o, now)];
  },
};

const leasePrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Holder'), col('Age')],
  cells: (o, now) => [name(o), String(obj(o['spec'])['holderIdentity'] ?? ''), age(o, now)],
};

const genericPrinter: Printer = {
  columns: [col('Name', 'string', 0, 'name'), col('Age')],
  cells: (o, now) => [o.metadata.name ?? '', age(o, now)],
};

const PRINTERS: Record<string, Printer> = {
  nodes: nodePrinter,
  pods: podPrinter,
  namespaces: namespacePrinter,
  poddisruptionbudgets: pdbPrinter,
  certificatesigningrequests: csrPrinter,
  deployments: deploymentPrinter,
  replicasets: replicaSetPrinter,
  daemonsets: daemonSetPrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  services: servicePrinter,
  leases: leasePrinter,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The Table for `items` of `resource` (one object for a GET, all items for a list). */
export function toTable(resource: string, items: KubeObject[], listMeta: { resourceVersion?: string; continue?: string }, include: IncludeObject, now = Date.now()): Record<string, unknown> {
  const p = PRINTERS[resource] ?? genericPrinter;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: p.columns,
    rows: items.map((o) => {
      const row: Record<string, unknown> = { cells: p.cells(o, now) };
      if (include === 'Object') row['object'] = o;
      else if (include === 'Metadata') row['object'] = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
      if (resource === 'pods') {
        const phase = obj(o['status'])['phase'];
        if (phase === 'Succeeded' || phase === 'Failed') row['conditions'] = [{ type: 'Completed', status: 'True' }];
      }
      return row;
    }),
  };
}

/** Parses the Accept header: is a Table wanted (and which meta.k8s.io version)? */
export function wantsTable(accept: string | undefined): 'v1' | 'v1beta1' | null {
  if (!accept) return null;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    if (!params.includes('as=Table')) continue;
    const v = params.find((x) => x.startsWith('v='))?.slice(2);
    const g = params.find((x) => x.startsWith('g='))?.slice(2);
    if (g && g !== 'meta.k8s.io') continue;
    if (v === 'v1' || v === 'v1beta1') return v;
  }
  return null;
}
