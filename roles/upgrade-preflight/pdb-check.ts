// The PodDisruptionBudget pre-check as a module: lists pods and PDBs once on the first control
// plane and, for each node the run will drain (in the run, kubelet not yet at the target), names
// the PDBs that would refuse its evictions (pdb.ts). `mode: fail` stops the run before any cordon,
// `warn` prints the table and goes on, `off` does not look.
import { defineModule, ModuleFailure, type ModuleResult } from '../../lib/index.js';
import { jsonOf, readParts } from './kubectl.js';
import { blockers, parsePodSelector, table, type Pdb, type Pod } from './pdb.js';
import { parseKubeVersion, show } from './version-path.js';

export interface PdbCheckArgs {
  kubectl: string;
  kube_version: string;
  nodes_in_run: string[];
  mode: 'fail' | 'warn' | 'off';
  /** drain_pod_selector: only pods drain would evict count */
  pod_selector?: string;
  /** drain_fallback_enabled: the fallback drain deletes what eviction could not move, so a blocking PDB delays, it does not stop */
  fallback?: boolean;
}

export interface PdbCheckResult extends ModuleResult {
  /** nodes the run would drain */
  drained: string[];
  blocking: { node: string; namespace: string; name: string; pods: string[] }[];
  table: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['kubectl', 'kube_version', 'nodes_in_run', 'mode'],
  properties: {
    kubectl: { type: 'string', minLength: 1 },
    kube_version: { type: 'string', minLength: 1 },
    nodes_in_run: { type: 'array', items: { type: 'string' } },
    mode: { enum: ['fail', 'warn', 'off'] },
    pod_selector: { type: 'string' },
    fallback: { type: 'boolean' },
  },
};

export const kube_pdb_check = defineModule<PdbCheckArgs, PdbCheckResult>({
  name: 'kube_pdb_check',
  schema,
  async run(args, ctx) {
    const none: PdbCheckResult = { changed: false, drained: [], blocking: [], table: '' };
    if (args.mode === 'off') return { ...none, skipped: true, msg: 'upgrade_pdb_precheck is off (or drain_nodes is false: nothing is drained)' };
    const target = parseKubeVersion(args.kube_version);
    if (!target) throw new ModuleFailure(`kube_version '${args.kube_version}' is not a version`);
    const [nodes, pods, pdbs] = await readParts(ctx, [
      `${args.kubectl} get nodes -o json`,
      `${args.kubectl} get pods --all-namespaces -o json`,
      `${args.kubectl} get poddisruptionbudgets --all-namespaces -o json`,
    ]);
    const host = ctx.conn.host;
    const kubelets = new Map(
      jsonOf<{ items: { metadata: { name: string }; status?: { nodeInfo?: { kubeletVersion?: string } } }[] }>(nodes!, 'listing the nodes', host).items.map((n) => [
        n.metadata.name,
        n.status?.nodeInfo?.kubeletVersion ?? '',
      ]),
    );
    const drained = args.nodes_in_run.filter((n) => {
      const k = parseKubeVersion(kubelets.get(n) ?? '');
      return k === null || show(k) !== show(target);
    });
    const rows = blockers(
      drained,
      jsonOf<{ items: Pod[] }>(pods!, 'listing the pods', host).items,
      jsonOf<{ items: Pdb[] }>(pdbs!, 'listing the PodDisruptionBudgets', host).items,
      parsePodSelector(args.pod_selector ?? ''),
    );
    const result: PdbCheckResult = {
      changed: false,
      drained,
      blocking: rows.map((b) => ({ node: b.node, namespace: b.pdb.metadata.namespace, name: b.pdb.metadata.name, pods: b.pods })),
      table: rows.length ? table(rows) : '',
    };
    if (!rows.length) {
      ctx.log(`PodDisruptionBudgets: none blocks the drain of ${drained.length ? drained.join(', ') : 'any node (nothing to drain)'}`);
      return result;
    }
    const text = `PodDisruptionBudgets that allow no disruption now and cover pods on nodes this run drains:\n${result.table}`;
    if (args.fallback) {
      ctx.log(
        `${text}\n(drain_fallback_enabled: going on; once the eviction drain of such a node gives up (drain_timeout, drain_retries), ` +
          'kubectl drain --disable-eviction deletes these pods despite their PodDisruptionBudget)',
      );
      return result;
    }
    if (args.mode === 'warn') {
      ctx.log(`${text}\n(upgrade_pdb_precheck=warn: going on; those drains will wait for drain_timeout and may fail)`);
      return result;
    }
    throw new ModuleFailure(
      `${text}\nNothing was cordoned or drained. Make room first (scale the workload up, or relax the PDB's minAvailable/maxUnavailable), ` +
        `or run with -e upgrade_pdb_precheck=warn to go on anyway (kubectl drain then waits up to drain_timeout on each).`,
      { ...result },
    );
  },
});
