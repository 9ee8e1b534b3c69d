// Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and field selectors (`k=v`, `k==v`,
// `k!=v`) with the fields each real resource supports (ANCHORS §3.4 item 3).
import type { KubeObject } from '../common/client.js';
import { badRequest } from './errors.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

export type LabelSelector = Requirement[];

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

export function parseLabelSelector(text: string): LabelSelector {
  const reqs: LabelSelector = [];
  for (const term of splitTerms(text)) {
    let m: RegExpExecArray | null;
    const check = (key: string, values: string[]): void => {
      if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
      for (const v of values) if (!VALUE.test(v) || v.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${v}"`);
    };
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const values = m[3]!.split(',').map((s) => s.trim()).filter(Boolean);
      check(m[1]!, values);
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      check(m[1]!, [m[3]!]);
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      check(m[1]!, []);
      reqs.push({ key: m[1]!, op: '!' });
    } else if (KEY.test(term)) {
      reqs.push({ key: term, op: 'exists' });
    } else {
      throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
    }
  }
  return reqs;
}

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return sel.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** A metav1.LabelSelector object (`matchLabels` + `matchExpressions`), as in PDBs and workloads. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function fromSelectorObject(s: LabelSelectorObject | undefined | null): LabelSelector {
  const reqs: LabelSelector = [];
  for (const [k, v] of Object.entries(s?.matchLabels ?? {})) reqs.push({ key: k, op: 'in', values: [v] });
  for (const e of s?.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else reqs.push({ key: e.key, op: '!' });
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

type Getter = (o: KubeObject) => string;
const at =
  (...path: string[]): Getter =>
  (o) => {
    let v: unknown = o;
    for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return v === undefined || v === null ? '' : String(v);
  };

/** Selectable fields per resource, besides metadata.name and metadata.namespace. */
const FIELDS: Record<string, Record<string, Getter>> = {
  pods: {
    'spec.nodeName': at('spec', 'nodeName'),
    'spec.restartPolicy': at('spec', 'restartPolicy'),
    'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(Boolean((o['spec'] as { hostNetwork?: boolean } | undefined)?.hostNetwork)),
    'status.phase': at('status', 'phase'),
    'status.podIP': at('status', 'podIP'),
    'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
  nodes: { 'spec.unschedulable': (o) => String(Boolean((o['spec'] as { unschedulable?: boolean } | undefined)?.unschedulable)) },
  events: Object.fromEntries(
    [
      ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [`involvedObject.${f}`, at('involvedObject', f)] as const),
      ['reason', at('reason')] as const,
      ['reportingComponent', at('reportingComponent')] as const,
      ['source', at('source', 'component')] as const,
      ['type', at('type')] as const,
    ],
  ),
  secrets: { type: at('type') },
  namespaces: { 'status.phase': at('status', 'phase') },
  replicasets: { 'status.replicas': at('status', 'replicas') },
  certificatesigningrequests: { 'spec.signerName': at('spec', 'signerName') },
};

export function parseFieldSelector(text: string, resource: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const term of splitTerms(text)) {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELDS[resource]?.[field]) {
      throw badRequest(`field label not supported: ${field}`);
    }
    out.push({ field, value: m[3]!, equal: m[2] !== '!=' });
  }
  return out;
}

export function matchFields(reqs: readonly FieldRequirement[], resource: string, o: KubeObject): boolean {
  return reqs.every((r) => {
    const v = r.field === 'metadata.name' ? (o.metadata.name ?? '') : r.field === 'metadata.namespace' ? (o.metadata.namespace ?? '') : FIELDS[resource]![r.field]!(o);
    return (v === r.value) === r.equal;
  });
}
