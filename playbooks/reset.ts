import { playbook } from '../lib/index.js';
import reset from '../roles/reset/index.js';
import { boilerplate } from './boilerplate.js';
import { confirmTasks } from './confirm.js';

// kubespray's reset.yml: wipe Kubernetes and etcd from the targeted hosts (roles/reset), after the
// confirmation prompt, so that cluster.ts can install them again. `-e skip_confirmation=true` or
// `-e reset_confirmation=true` answers it on the command line.
export default playbook('reset', [
  boilerplate,
  {
    name: 'reset cluster',
    hosts: 'etcd:k8s_cluster:calico_rr',
    preTasks: (t) =>
      confirmTasks(t, {
        prompt: "Are you sure you want to reset cluster state? Type 'yes' to reset your cluster.",
        register: 'reset_confirmation_prompt',
        failMsg: 'Reset confirmation failed',
        skipWhen: 'skip_confirmation | default(false) | bool or reset_confirmation is defined',
        acceptedWhen: "reset_confirmation | default(false) | bool or (reset_confirmation_prompt.user_input | default('')) == 'yes'",
      }),
    roles: [{ role: reset, tags: ['reset'] }],
  },
]);
