// The version path guard as a module: reads the API server's version, every node's kubelet version
// and Ready condition, and the versions the package repository offers, on the first control plane
// in one round trip, then judges (version-path.ts). Fails the task, naming the path to take, before
// any host is touched; in --check too (it only reads). Prints the plan.
import { defineModule, ModuleFailure, type ModuleResult } from '../../lib/index.js';
import { jsonOf, readParts } from './kubectl.js';
import { defaultKubeletSkew, judge, parseKubeVersion, show, type NodeState } from './version-path.js';

export interface GuardArgs {
  /** kubectl with its kubeconfig, e.g. `/usr/local/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf` */
  kubectl: string;
  kube_version: string;
  /** node names of the run's hosts */
  nodes_in_run: string[];
  /** node names of kube_control_plane */
  control_plane: string[];
  /** minors a kubelet may lag the API server; default the skew policy's (2 before 1.25, 3 since) */
  max_kubelet_skew?: number;
  /** the worker batches the run will take, for the plan */
  worker_batches?: string[][];
  /** kube_package_version, for the plan */
  package_version?: string;
  /** the API servers' secure port (kube_apiserver_port), for the health probe of each control-plane node in the run */
  apiserver_port?: number;
}

export interface GuardResult extends ModuleResult {
  api_server_version: string;
  kubelet_versions: Record<string, string>;
  /** node names whose kubelet is already at the target */
  at_target: string[];
  path: string[];
  plan: string[];
}

interface NodeList {
  items: {
    metadata: { name: string };
    status?: { nodeInfo?: { kubeletVersion?: string }; conditions?: { type: string; status: string }[]; addresses?: { type: string; address: string }[] };
  }[];
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['kubectl', 'kube_version', 'nodes_in_run', 'control_plane'],
  properties: {
    kubectl: { type: 'string', minLength: 1 },
    kube_version: { type: 'string', minLength: 1 },
    nodes_in_run: { type: 'array', items: { type: 'string' } },
    control_plane: { type: 'array', items: { type: 'string' } },
    max_kubelet_skew: { type: 'integer', minimum: 0 },
    worker_batches: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
    package_version: { type: 'string' },
    apiserver_port: { type: 'integer', minimum: 1, maximum: 65535 },
  },
};

export const kube_version_guard = defineModule<GuardArgs, GuardResult>({
  name: 'kube_version_guard',
  schema,
  async run(args, ctx) {
    const target = parseKubeVersion(args.kube_version);
    if (!target) throw new ModuleFailure(`kube_version '${args.kube_version}' is not a version (expected 1.17.7 or v1.17.7)`);
    const [ver, nodes, madison] = await readParts(ctx, [
      `${args.kubectl} get --raw /version`,
      `${args.kubectl} get nodes -o json`,
      'apt-cache madison kubeadm 2>/dev/null || true',
    ]);
    const host = ctx.conn.host;
    const gv = jsonOf<{ gitVersion?: string }>(ver!, 'reading the API server version (kubectl get --raw /version)', host).gitVersion ?? '';
    const api = parseKubeVersion(gv);
    if (!api) throw new ModuleFailure(`the API server reported version '${gv}', not a version`);
    const list = jsonOf<NodeList>(nodes!, 'listing the nodes (kubectl get nodes)', host);
    const states: NodeState[] = list.items.map((n) => ({
      name: n.metadata.name,
      kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
      ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '',
      controlPlane: args.control_plane.includes(n.metadata.name),
    }));
    // each control-plane node's own API server, asked directly (admin.conf's CA verifies it): a
    // Ready condition lags a stopped kubelet by the node monitor's grace period (40 s), and an API
    // server can be down while its kubelet still reports Ready
    const port = args.apiserver_port ?? 6443;
    const probed = list.items.filter((n) => args.control_plane.includes(n.metadata.name) && args.nodes_in_run.includes(n.metadata.name));
    const urls = probed.map((n) => {
      const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return ip ? `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}` : '';
    });
    const health = urls.some(Boolean)
      ? await readParts(ctx, urls.map((u) => (u ? `${args.kubectl} --server ${u} --request-timeout=5s get --raw /healthz` : 'echo no InternalIP >&2; false')))
      : [];
    probed.forEach((n, i) => {
      const s = states.find((x) => x.name === n.metadata.name);
      const h = health[i];
      if (s && h) s.apiServer = h.rc === 0 && h.stdout.trim() === 'ok' ? 'ok' : `${urls[i] || 'no InternalIP'}: ${(h.stderr || h.stdout).trim().split('\n').pop() ?? ''}`;
    });
    const available = madison!.stdout.split('\n').map((l) => l.split('|')[1]?.trim() ?? '').filter(Boolean);
    const verdict = judge({
      target,
      apiServer: api,
      nodes: states,
      inRun: args.nodes_in_run,
      controlPlane: args.control_plane,
      available,
      maxKubeletSkew: args.max_kubelet_skew ?? defaultKubeletSkew(target),
    });
    const moving = args.nodes_in_run.filter((n) => { const k = parseKubeVersion(states.find((s) => s.name === n)?.kubeletVersion ?? ''); return !k || show(k) !== show(target); });
    const plan = [
      `version path: API server v${show(api)} → ${show(target)}: ${verdict.ok ? 'allowed (one minor at most)' : 'REFUSED'}`,
      ...verdict.plan.map((l) => `  ${l}`),
      ...(args.worker_batches ?? []).filter((b) => b.length).map((b, i, all) => `  worker batch ${i + 1}/${all.length}: ${b.join(', ')}`),
      ...(args.package_version && moving.length ? [`  packages: kubelet, kubectl, kubeadm → ${args.package_version} (pinned, held) on ${moving.join(', ')}`] : []),
    ];
    for (const line of plan) ctx.log(line);
    const at = states.filter((s) => { const k = parseKubeVersion(s.kubeletVersion); return k !== null && show(k) === show(target); }).map((s) => s.name);
    const result: GuardResult = {
      changed: false,
      api_server_version: gv,
      kubelet_versions: Object.fromEntries(states.map((s) => [s.name, s.kubeletVersion])),
      at_target: at,
      path: verdict.path,
      plan,
    };
    if (!verdict.ok) {
      throw new ModuleFailure(`version path guard: refusing to upgrade to ${show(target)}; nothing was changed.\n- ${verdict.problems.join('\n- ')}`, { ...result });
    }
    return result;
  },
});
