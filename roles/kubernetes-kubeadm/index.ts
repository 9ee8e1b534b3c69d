import { command, defineRole, fail, replace, roleVars, set_fact, shell, systemd, template, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterDefaults, clusterShape } from '../kubespray-defaults/index.js';
import { DEFAULT_API_VERSION } from '../kubernetes-control-plane/apiversions.js';

// kubespray's kubernetes/kubeadm role (FACTS §2.6): a worker joins with a bootstrap token made on
// the first control-plane host and the CA's public-key hash (kubeadm-client.conf, a
// JoinConfiguration), only when it has no /etc/kubernetes/kubelet.conf yet; then its kubelet's
// kubeconfig points at the API endpoint of this host (kube_apiserver_endpoint).

export const kubeadmJoinVars = roleVars({
  ...clusterShape,
  kubeadm_config_api_version: v.enum('v1beta1', 'v1beta2', 'v1beta3', 'v1beta4'),
  kubeadm_join_timeout: v.string({ pattern: '^\\d+s$' }),
  kubeadm_ignore_preflight_errors: v.array(v.string()),
});
export type KubeadmJoinVars = Infer<typeof kubeadmJoinVars>;

const FIRST = '{{ first_kube_control_plane }}';
const KUBEADM = '{{ kube_packages_bin_dir }}/kubeadm';

export default defineRole({
  name: 'kubernetes-kubeadm',
  vars: kubeadmJoinVars,
  defaults: {
    ...clusterDefaults,
    kubeadm_config_api_version: DEFAULT_API_VERSION,
    kubeadm_join_timeout: '120s',
    kubeadm_ignore_preflight_errors: [],
  },
  handlers: {
    'restart kubelet': systemd({ name: 'kubelet', state: 'restarted' }),
  },
  tasks: (t) => {
    t.task('kubelet.conf exists', command('test -f {{ kube_config_dir }}/kubelet.conf'), { register: 'kubelet_conf', changedWhen: false, failedWhen: false, checkMode: false });
    // under --check the token is not made (it would change the first control-plane host): the
    // config is rendered without it and kubeadm join reports that it would run
    t.block('join the cluster', (b) => {
      b.task('join token', command(`${KUBEADM} token create --kubeconfig {{ kube_config_dir }}/admin.conf`), { delegateTo: FIRST, register: 'kubeadm_token_create', noLog: true });
      // sha256 of the CA's DER SubjectPublicKeyInfo, as kubeadm prints it (FACTS §6.3)
      b.task('CA public key hash', shell('openssl x509 -pubkey -noout -in {{ kube_cert_dir }}/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d" " -f1'), {
        delegateTo: FIRST, register: 'kubeadm_ca_hash', changedWhen: false, checkMode: false,
      });
      b.task('token', set_fact({ kubeadm_token: "{{ kubeadm_token_create.stdout | default('') | trim }}" }), { noLog: true });
      b.task('kubeadm-client.conf', template({ src: 'kubeadm-client.conf.njk', dest: '{{ kube_config_dir }}/kubeadm-client.conf', mode: '0600' }), { noLog: true });
      const join = b.task('kubeadm join', shell({
        cmd: `timeout -k {{ kubeadm_join_timeout }} {{ kubeadm_join_timeout }} ${KUBEADM} join --config {{ kube_config_dir }}/kubeadm-client.conf ` +
          "--ignore-preflight-errors={{ (['DirAvailable--etc-kubernetes-manifests'] + kubeadm_ignore_preflight_errors) | join(',') }}",
        // kubeadm join writes kubelet.conf: under --check this reports "would run" (changed)
        creates: '{{ kube_config_dir }}/kubelet.conf',
      }), { register: 'kubeadm_join', failedWhen: false });
      b.task('kubeadm join succeeded', fail({ msg: '{{ inventory_hostname }}: kubeadm join failed (exit {{ kubeadm_join.rc }}): {{ kubeadm_join.stderr | trim }}' }), {
        when: (h) => h.result(join).rc !== 0,
      });
    }, { when: "kubelet_conf.rc != 0 and inventory_hostname not in groups['kube_control_plane']" });
    t.task("kubelet's API endpoint", replace({
      path: '{{ kube_config_dir }}/kubelet.conf',
      regexp: '^(\\s*server:).*$',
      replace: '\\1 {{ kube_apiserver_endpoint }}',
    }), { when: "inventory_hostname not in groups['kube_control_plane'] and not ansible_check_mode", notify: 'restart kubelet' });
  },
});
