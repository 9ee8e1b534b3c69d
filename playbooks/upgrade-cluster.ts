import { playbook, type PlayView, type Serial } from '../lib/index.js';
import { boilerplate } from './boilerplate.js';
import upgradePreflight from '../roles/upgrade-preflight/index.js';
import { workerSerial } from '../roles/upgrade-preflight/batches.js';
import preUpgrade from '../roles/upgrade-pre-upgrade/index.js';
import controlPlaneUpgrade from '../roles/upgrade-control-plane/index.js';
import kubeletUpgrade from '../roles/upgrade-kubelet/index.js';
import postUpgrade from '../roles/upgrade-post-upgrade/index.js';

// kubespray's upgrade-cluster.yml (FACTS §1.2), the Kubernetes part: the control plane one host at
// a time (`kubeadm upgrade apply` on the first, `kubeadm upgrade node` on the others), then the
// workers in batches of `serial` (default 20%), each node cordoned, drained, upgraded and
// uncordoned; any_errors_fatal true unless told otherwise. Before anything is touched, tsplay checks
// the version path and the PodDisruptionBudgets (issue 13). `--limit` runs (seed 004: the masters,
// then one worker, then the rest) read what they need about other hosts from the inventory and the
// API, never from a facts cache.
const anyErrorsFatal = '{{ any_errors_fatal | default(true) }}';

export default playbook('upgrade-cluster', [
  boilerplate,
  {
    name: 'Check the version path and the PodDisruptionBudgets before touching any host',
    hosts: 'k8s_cluster',
    gatherFacts: false,
    anyErrorsFatal,
    roles: [upgradePreflight],
  },
  {
    name: 'Handle upgrades to control plane components first to maintain backwards compat.',
    hosts: 'kube_control_plane',
    gatherFacts: false,
    serial: 1,
    anyErrorsFatal,
    roles: [preUpgrade, controlPlaneUpgrade, kubeletUpgrade, postUpgrade],
  },
  {
    name: 'Finally handle worker upgrades, based on given batch size',
    hosts: 'kube_node:calico_rr:!kube_control_plane',
    gatherFacts: false,
    // `-e serial=1`, `-e serial=30%`, or per group: -e '{"serial": {"kube_node:&web": 1, "kube_node:&app": "30%"}}' (kubespray #11395)
    serial: (p: PlayView): Serial => workerSerial(p.vars),
    anyErrorsFatal,
    roles: [preUpgrade, kubeletUpgrade, postUpgrade],
  },
]);
