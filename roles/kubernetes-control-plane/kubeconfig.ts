import { copy, fetch, file, shell, slurp, type TaskBuilder } from '../../lib/index.js';
import type { ControlPlaneVars } from './vars.js';

// kubespray's kubernetes/client role: the admin kubeconfig for root and for the SSH user (seed 000:
// `mkdir -p $HOME/.kube; cp -i /etc/kubernetes/admin.conf $HOME/.kube/config; chown ...`), and
// with kubeconfig_localhost the same on the controller, next to the inventory
// (`{{ artifacts_dir }}/admin.conf`), pointing at the load balancer instead of this host; with
// kubectl_localhost the host's kubectl beside it and a kubectl.sh that uses that kubeconfig.

const ADMIN = '{{ kube_config_dir }}/admin.conf';
// the address clients outside the cluster use: the external load balancer, else the first control plane
const EXTERNAL = "((loadbalancer_apiserver.address ~ ':' ~ (loadbalancer_apiserver.port | default(kube_apiserver_port))) if loadbalancer_apiserver is defined else kube_apiserver_global_endpoint)";

export function kubeconfigTasks(t: TaskBuilder<ControlPlaneVars>): void {
  t.task("root's kube dir", file({ path: '/root/.kube', state: 'directory', mode: '0700' }));
  t.task("root's kubeconfig", copy({ src: ADMIN, dest: '/root/.kube/config', remote_src: true, mode: '0600' }), { when: 'not ansible_check_mode or kubeadm_already_run.rc == 0' });
  // a user's home comes from the passwd database; changed only when the copy or its owner differs
  t.task("users' kubeconfig", shell(
    'u={{ item }}; h=$(getent passwd "$u" | cut -d: -f6); [ -n "$h" ] || { echo "no user $u on this host" >&2; exit 1; }; ' +
      `if cmp -s ${ADMIN} "$h/.kube/config" && [ "$(stat -c %U:%a "$h/.kube/config")" = "$u:600" ]; then exit 0; fi; ` +
      `install -d -o "$u" -g "$(id -gn "$u")" -m 0700 "$h/.kube" && install -o "$u" -g "$(id -gn "$u")" -m 0600 ${ADMIN} "$h/.kube/config" && echo installed`,
  ), {
    loop: "{{ (kubeconfig_users + ([ansible_user] if (ansible_user | default('root')) != 'root' else [])) | unique }}",
    changedWhen: (r) => r.stdout.includes('installed'),
    when: 'not ansible_check_mode',
  });
  t.block('kubeconfig on the controller', (b) => {
    b.task('admin.conf of the first control-plane host', slurp({ src: ADMIN }), { register: 'kube_admin_conf', noLog: true, checkMode: false });
    b.task('artifacts dir', file({ path: '{{ artifacts_dir }}', state: 'directory', mode: '0750' }), { delegateTo: 'localhost', become: false });
    b.task('admin.conf on the controller, pointing at the load balancer', copy({
      content: `{{ kube_admin_conf.content | b64decode | regex_replace('(?m)^(\\\\s*server:).*$', '\\\\1 https://' ~ ${EXTERNAL}) }}`,
      dest: '{{ artifacts_dir }}/admin.conf',
      mode: '0600',
    }), { delegateTo: 'localhost', become: false, noLog: true });
  }, { when: 'kubeconfig_localhost and inventory_hostname == first_kube_control_plane and (not ansible_check_mode or kubeadm_already_run.rc == 0)' });
  t.block('kubectl on the controller', (b) => {
    b.task('kubectl of the first control-plane host', fetch({ src: '{{ kube_packages_bin_dir }}/kubectl', dest: '{{ artifacts_dir }}/kubectl', flat: true }));
    b.task('kubectl is executable', file({ path: '{{ artifacts_dir }}/kubectl', mode: '0755' }), { delegateTo: 'localhost', become: false });
    b.task('kubectl.sh', copy({
      content: '#!/bin/bash\n${BASH_SOURCE%/*}/kubectl --kubeconfig=${BASH_SOURCE%/*}/admin.conf "$@"\n',
      dest: '{{ artifacts_dir }}/kubectl.sh',
      mode: '0755',
    }), { delegateTo: 'localhost', become: false });
  }, { when: 'kubectl_localhost and inventory_hostname == first_kube_control_plane and not ansible_check_mode' });
}
