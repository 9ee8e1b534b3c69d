// The PodDisruptionBudget pre-check (kubespray #10029, issue 13): for each node the run will drain,
// the PDBs that would refuse an eviction of one of its pods (disruptionsAllowed 0, selector
// matching a pod there that a drain would evict). Pure; pdb-check.ts reads the cluster.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Pdb {
  metadata: { namespace: string; name: string };
  spec: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number };
}

export interface Pod {
  metadata: { namespace: string; name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; controller?: boolean }[]; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { phase?: string };
}

export interface Blocker {
  node: string;
  pdb: Pdb;
  pods: string[];
}

/** A label selector as the API server reads it; an empty selector matches every pod (policy/v1). */
export function selects(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Pods `kubectl drain --ignore-daemonsets` would evict: not mirror pods, not DaemonSet pods, not finished. */
export function evictable(p: Pod): boolean {
  if (p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return false;
  if ((p.metadata.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet')) return false;
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return false;
  return true;
}

export function blockers(nodes: string[], pods: Pod[], pdbs: Pdb[], podSelector?: (p: Pod) => boolean): Blocker[] {
  const out: Blocker[] = [];
  for (const node of nodes) {
    const here = pods.filter((p) => p.spec.nodeName === node && evictable(p) && (podSelector ? podSelector(p) : true));
    for (const pdb of pdbs) {
      if ((pdb.status?.disruptionsAllowed ?? 0) > 0) continue;
      const hit = here.filter((p) => p.metadata.namespace === pdb.metadata.namespace && selects(pdb.spec.selector, p.metadata.labels ?? {}));
      if (hit.length) out.push({ node, pdb, pods: hit.map((p) => p.metadata.name) });
    }
  }
  return out;
}

/** `kubectl get pdb -A`'s columns (seed 004's table), plus the node and the pods it would keep there. */
export function table(rows: Blocker[]): string {
  const head = ['NODE', 'NAMESPACE', 'NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'PODS'];
  const cells = rows.map((b) => [
    b.node,
    b.pdb.metadata.namespace,
    b.pdb.metadata.name,
    b.pdb.spec.minAvailable === undefined ? 'N/A' : String(b.pdb.spec.minAvailable),
    b.pdb.spec.maxUnavailable === undefined ? 'N/A' : String(b.pdb.spec.maxUnavailable),
    String(b.pdb.status?.disruptionsAllowed ?? 0),
    b.pods.join(','),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]! + 3))).join('');
  return [line(head), ...cells.map(line)].join('\n');
}

/** `--pod-selector` as drain applies it (equality and set-based `k=v,k!=v,k,!k`), for the pre-check. */
export function parsePodSelector(text: string): ((p: Pod) => boolean) | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const terms = t.split(',').map((s) => s.trim()).filter(Boolean);
  return (p) => {
    const l = p.metadata.labels ?? {};
    return terms.every((term) => {
      let m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term);
      if (m) return l[m[1]!] !== m[2];
      m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term);
      if (m) return l[m[1]!] === m[2];
      if (term.startsWith('!')) return !(term.slice(1) in l);
      return term in l;
    });
  };
}
