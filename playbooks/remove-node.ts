import { assert, fail, playbook, setup } from '../lib/index.js';
import removeEtcdNode from '../roles/remove-etcd-node/index.js';
import removeNodePost from '../roles/remove-node-post/index.js';
import removeNodePre from '../roles/remove-node-pre/index.js';
import reset from '../roles/reset/index.js';
import { boilerplate } from './boilerplate.js';
import { confirmTasks } from './confirm.js';

// kubespray's remove-node.yml: `-e node=NAME[,NAME]`, a confirmation (or skip_confirmation), then
// for each node: drain (remove-node-pre), `etcdctl member remove` when it is an etcd member,
// reset of the host (reset_nodes, default true), and `kubectl delete node` (remove-node-post).
// A dead host: `-e reset_nodes=false -e allow_ungraceful_removal=true` (nothing runs on it).
// The first control-plane host and the first etcd member are refused before anything is touched:
// kubespray's other playbooks run their cluster-wide steps there.

const NODES = "{{ node | default('this_is_unreachable') }}";

export default playbook('remove-node', [
  {
    name: 'validate nodes for removal',
    hosts: 'localhost',
    gatherFacts: false,
    tasks: (t) => {
      t.task('nodes are specified for removal', assert({
        that: ['node is defined', 'node | length > 0'],
        fail_msg: 'No nodes specified for removal. The `node` variable must be set explicitly: -e node=NAME[,NAME].',
      }));
    },
  },
  boilerplate,
  {
    name: 'refuse the first control-plane host and the first etcd member',
    hosts: NODES,
    gatherFacts: false,
    tasks: (t) => {
      t.task('not the first control-plane host', fail({
        msg: "{{ inventory_hostname }} is the first host of [kube_control_plane]: remove-node cannot remove it. Put another control-plane host first in [kube_control_plane] (and [etcd] if it is there too), run cluster.ts (or upgrade-cluster.ts) so the cluster uses the new order, then run remove-node.ts -e node={{ inventory_hostname }} again.",
      }), { when: "groups['kube_control_plane'] | default([]) | length > 0 and inventory_hostname == groups['kube_control_plane'][0]" });
      t.task('not the first etcd member', fail({
        msg: "{{ inventory_hostname }} is the first host of [etcd]: remove-node cannot remove it. Put another member first in [etcd], run cluster.ts (or upgrade-cluster.ts) so every host uses the new order, then run remove-node.ts -e node={{ inventory_hostname }} again.",
      }), { when: "groups['etcd'] | default([]) | length > 0 and inventory_hostname == groups['etcd'][0]" });
    },
  },
  {
    name: 'confirm node removal',
    hosts: NODES,
    gatherFacts: false,
    tasks: (t) =>
      confirmTasks(t, {
        prompt: "Are you sure you want to delete nodes state? Type 'yes' to delete nodes.",
        register: 'pause_result',
        failMsg: 'Delete nodes confirmation failed',
        skipWhen: 'skip_confirmation | default(false) | bool',
        acceptedWhen: "(pause_result.user_input | default('yes')) == 'yes'",
      }),
  },
  {
    name: 'reset node',
    hosts: NODES,
    gatherFacts: false,
    preTasks: (t) => {
      // a dead host (reset_nodes=false) is never contacted
      t.task('gather facts', setup({}), { when: 'reset_nodes | default(true) | bool' });
    },
    roles: [
      { role: removeNodePre, tags: ['pre-remove'] },
      { role: removeEtcdNode, when: "'etcd' in group_names" },
      { role: reset, tags: ['reset'], when: 'reset_nodes | default(true) | bool' },
    ],
  },
  {
    name: 'post node removal',
    hosts: NODES,
    gatherFacts: false,
    roles: [{ role: removeNodePost, tags: ['post-remove'] }],
  },
]);
