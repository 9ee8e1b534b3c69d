// What the real server's defaulting and default admission plugins add to new objects, for the
// fields kubectl and the lab's doubles read (ANCHORS §3.4 item 7): pod defaults and the 300 s
// not-ready/unreachable tolerations (DefaultTolerationSeconds), the not-ready:NoSchedule taint
// on new Nodes (TaintNodesByCondition, 1.17 and later), Pending phase, namespace Active phase.
import type { KubeObject } from '../common/client.js';
import type { SemVer } from '../common/versions.js';

type R = Record<string, unknown>;
const obj = (v: unknown): R => (v && typeof v === 'object' && !Array.isArray(v) ? (v as R) : {});

export function admitCreate(resource: string, o: KubeObject, v: SemVer): void {
  const minor = v.major * 1000 + v.minor;
  if (resource === 'pods') {
    const spec = obj(o['spec']);
    o['spec'] = spec;
    spec['restartPolicy'] ??= 'Always';
    spec['terminationGracePeriodSeconds'] ??= 30;
    spec['dnsPolicy'] ??= 'ClusterFirst';
    spec['schedulerName'] ??= 'default-scheduler';
    spec['securityContext'] ??= {};
    spec['enableServiceLinks'] ??= true;
    if (!spec['serviceAccountName'] && !spec['serviceAccount']) spec['serviceAccountName'] = spec['serviceAccount'] = 'default';
    const tolerations = Array.isArray(spec['tolerations']) ? (spec['tolerations'] as R[]) : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => t['key'] === key || (t['operator'] === 'Exists' && !t['key']))) {
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
      }
    }
    spec['tolerations'] = tolerations;
    for (const c of (Array.isArray(spec['containers']) ? spec['containers'] : []) as R[]) {
      c['terminationMessagePath'] ??= '/dev/termination-log';
      c['terminationMessagePolicy'] ??= 'File';
      c['imagePullPolicy'] ??= String(c['image'] ?? '').endsWith(':latest') || !/:[^/]+$/.test(String(c['image'] ?? '')) ? 'Always' : 'IfNotPresent';
      c['resources'] ??= {};
    }
    // a new pod's status is the server's, whatever the client sent (pod strategy PrepareForCreate)
    o['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
  } else if (resource === 'nodes') {
    if (minor >= 1017) {
      const spec = obj(o['spec']);
      o['spec'] = spec;
      const taints = Array.isArray(spec['taints']) ? (spec['taints'] as R[]) : [];
      if (!taints.some((t) => t['key'] === 'node.kubernetes.io/not-ready' && t['effect'] === 'NoSchedule')) {
        taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
      }
      spec['taints'] = taints;
    }
  } else if (resource === 'namespaces') {
    o['spec'] = { finalizers: ['kubernetes'], ...obj(o['spec']) };
    o['status'] = { phase: 'Active' };
  } else if (resource === 'services') {
    const spec = obj(o['spec']);
    o['spec'] = spec;
    spec['type'] ??= 'ClusterIP';
    spec['sessionAffinity'] ??= 'None';
  } else if (resource === 'secrets') {
    o['type'] ??= 'Opaque';
  }
}

/** Resources whose metadata.generation tracks spec changes. */
export const HAS_GENERATION = new Set(['deployments', 'replicasets', 'daemonsets', 'poddisruptionbudgets']);
