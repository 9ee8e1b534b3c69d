import { command, debug, fail, playbook, type PlaySpec } from '../lib/index.js';
import etcd from '../roles/etcd/index.js';
import { boilerplate } from './boilerplate.js';
import cluster from './cluster.js';

// kubespray's scale.yml: bring hosts newly placed in the inventory into the running cluster
// without disturbing the others, usually with `--limit=NEW_NODE` as kubespray's docs say (tsplay
// needs no facts cache: what it needs of the other hosts comes from the inventory and from the
// first control-plane host, to which the token and CA-hash tasks are delegated).
//
// - plan: every host of the run says whether it is new (no kubelet.conf) and what will happen to
//   it; the run stops before anything changes when there is no running cluster, or when a host
//   new in [kube_control_plane] is in the run (scale.ts does not join masters: run cluster.ts).
// - etcd: a host new in [etcd] is added with `etcdctl member add` and
//   ETCD_INITIAL_CLUSTER_STATE=existing, one at a time, the running members not restarted (the etcd
//   role, roles/etcd/member.ts); its certificates come from the first etcd host, the others' stay.
// - workers: cluster.ts's own plays "prepare the hosts", "kubelet" and "workers join" (whatever
//   roles they carry, the localhost load balancer among them), on [kube_node] only as kubespray's
//   scale.yml does. Every role skips what is already done, so hosts where kubeadm already ran
//   report changed=0, and no running node is restarted, drained or cordoned.

const KUBECONFIG_DIR = "{{ kube_config_dir | default('/etc/kubernetes') }}";
const NEW = 'scale_kubelet_conf.rc != 0';
const INVENTORY = "{{ inventory_file | default('INVENTORY') }}";
const fatal = { anyErrorsFatal: '{{ any_errors_fatal | default(true) }}' } as const;

/** cluster.ts's play `name`, on `hosts` (a play renamed there must be renamed here: loading fails naming it). */
function clusterPlay(name: string, hosts: string): PlaySpec {
  const play = cluster.plays.find((p) => p.name === name);
  if (!play) throw new Error(`playbooks/scale.ts: playbooks/cluster.ts has no play named '${name}' (its plays: ${cluster.plays.map((p) => p.name).join(', ')}); update scale.ts`);
  return { ...play, name: `${play.name} (new workers)`, hosts };
}

const plan: PlaySpec = {
  name: 'scale: what this run adds',
  hosts: 'k8s_cluster:etcd',
  gatherFacts: false,
  ...fatal,
  // an etcd-only inventory (no [kube_control_plane]) scales etcd alone: no cluster check then
  vars: { scale_first_control_plane: "{{ groups['kube_control_plane'][0] if (groups['kube_control_plane'] | default([])) else '' }}" },
  tasks: (t) => {
    const running = t.task('a cluster runs (admin.conf on the first control-plane host)', command(`test -f ${KUBECONFIG_DIR}/admin.conf`), {
      delegateTo: '{{ scale_first_control_plane }}', runOnce: true, register: 'scale_admin_conf', changedWhen: false, failedWhen: false, checkMode: false,
      when: "scale_first_control_plane != ''",
    });
    t.task('no cluster to scale', fail({
      msg: `{{ scale_first_control_plane }} (first host of [kube_control_plane]) has no ${KUBECONFIG_DIR}/admin.conf: there is no running cluster to add hosts to. ` +
        `Install it first: tsplay run playbooks/cluster.ts -i ${INVENTORY}`,
    }), { when: (h) => { const r = h.result(running); return !r.skipped && r.rc !== 0; }, runOnce: true });
    t.task('kubelet.conf exists (kubeadm ran here)', command(`test -f ${KUBECONFIG_DIR}/kubelet.conf`), {
      register: 'scale_kubelet_conf', changedWhen: false, failedWhen: false, checkMode: false,
    });
    t.task('a new control-plane host is refused', fail({
      msg: `{{ inventory_hostname }} is new in [kube_control_plane] (no ${KUBECONFIG_DIR}/kubelet.conf): scale.ts adds workers and etcd members only, as kubespray's scale.yml. ` +
        `Join control-plane hosts with cluster.ts, which leaves every host where kubeadm already ran as it is: tsplay run playbooks/cluster.ts -i ${INVENTORY} ` +
        '(without --limit, so that every node\'s localhost load balancer lists the new master). Nothing was changed.',
    }), { when: `inventory_hostname in groups['kube_control_plane'] and ${NEW}` });
    t.task('plan', debug({
      msg: "{{ inventory_hostname }}: " +
        `{% if inventory_hostname in groups['kube_node'] and ${NEW} %}new worker: prepare it (swap, kernel modules, sysctls, containerd, kubeadm/kubelet/kubectl at kube_version), ` +
        'kubelet settings, kubeadm join with a token from {{ scale_first_control_plane }}, CNI config' +
        "{% elif inventory_hostname in groups['k8s_cluster'] %}in the cluster already (kubelet.conf): left as it is" +
        '{% else %}etcd host: joins etcd if it is not a member yet{% endif %}' +
        "{% if inventory_hostname in groups['etcd'] %}; etcd member (added with etcdctl member add if new){% endif %}",
    }));
  },
};

export default playbook('scale', [
  boilerplate,
  plan,
  { name: 'etcd: new members join the running cluster', hosts: 'etcd:kube_control_plane', gatherFacts: false, ...fatal, roles: [{ role: etcd, when: "etcd_deployment_type | default('host') == 'host'" }] },
  clusterPlay('prepare the hosts', 'kube_node'),
  clusterPlay('kubelet', 'kube_node'),
  clusterPlay('workers join', 'kube_node'),
]);
