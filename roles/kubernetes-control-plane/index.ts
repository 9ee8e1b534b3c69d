import { assert, command, defineRole, fail, file, replace, set_fact, shell, systemd, template, type TaskBuilder } from '../../lib/index.js';
import { clusterDefaults } from '../kubespray-defaults/index.js';
import { DEFAULT_API_VERSION, kubeadmReads } from './apiversions.js';
import { kubeconfigTasks } from './kubeconfig.js';
import { controlPlaneVars, type ControlPlaneVars } from './vars.js';

export { controlPlaneVars, type ControlPlaneVars } from './vars.js';

// kubespray's kubernetes/control-plane role (FACTS §2.2–2.3): /etc/kubernetes/kubeadm-config.yaml
// whose apiVersion follows the kubeadm version, `kubeadm init --upload-certs` on the first
// control-plane host, the others `kubeadm join --control-plane --certificate-key` one at a time;
// never `init` again where the control plane already runs (kubespray's kubeadm_already_run:
// /var/lib/kubelet/config.yaml exists). Then the kubeconfigs (kubeconfig.ts).

const FIRST = '{{ first_kube_control_plane }}';
const KUBEADM = '{{ kube_packages_bin_dir }}/kubeadm';
const CONFIG = '{{ kube_config_dir }}/kubeadm-config.yaml';
// kubeadm 1.14 knew only the experimental spelling; 1.15 added --upload-certs (kubespray v2.11 chose by version)
const UPLOAD_CERTS = "{{ '--experimental-upload-certs' if kube_version_plain is version('1.15.0', '<') else '--upload-certs' }}";
/** the other control-plane hosts' entries of apiserver_sans_control_plane, less any that is also the load balancer's or a supplementary address */
export const OTHER_MASTERS =
  "(apiserver_sans_control_plane | difference([inventory_hostname, (access_ip | default(ip) | default(ansible_host) | default(inventory_hostname)) | string]) " +
  "| difference(([loadbalancer_apiserver.address] if loadbalancer_apiserver is defined else []) + [apiserver_loadbalancer_domain_name] + supplementary_addresses_in_ssl_keys | map('string') | list))";
const IGNORE = "{{ ('--ignore-preflight-errors=' ~ (kubeadm_ignore_preflight_errors | join(','))) if kubeadm_ignore_preflight_errors else '' }}";

export default defineRole({
  name: 'kubernetes-control-plane',
  vars: controlPlaneVars,
  defaults: {
    ...clusterDefaults,
    kubeadm_config_api_version: DEFAULT_API_VERSION,
    kubeadm_init_timeout: '300s',
    kubeadm_join_timeout: '120s',
    kubeadm_ignore_preflight_errors: [],
    kubeadm_init_phases_skip: ['addon/coredns'],
    kubeadm_join_phases_skip: [],
    kubelet_fail_swap_on: true,
    etcd_cert_dir: '/etc/ssl/etcd/ssl',
    etcd_client_port: 2379,
    etcd_listen_loopback: true,
    // a Jinja default (not a function: a function default sees no other default, and dns_domain,
    // kube_apiserver_ip and apiserver_loadbalancer_domain_name are defaults)
    apiserver_sans: `{{ (['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.' ~ dns_domain, kube_apiserver_ip, 'localhost', '127.0.0.1', '::1', apiserver_loadbalancer_domain_name] + ([loadbalancer_apiserver.address] if loadbalancer_apiserver is defined else []) + apiserver_sans_control_plane + supplementary_addresses_in_ssl_keys) | map('string') | unique | list }}`,
    apiserver_sans_control_plane: (h) => {
      const addr = (n: string): string => String(h.hostvars(n).access_ip ?? h.hostvars(n).ip ?? h.hostvars(n).ansible_host ?? n);
      return (h.groups.kube_control_plane ?? []).flatMap((n) => [n, addr(n)]);
    },
    kubeconfig_users: [],
  },
  tasks: (t) => {
    checks(t);
    t.task('kubernetes config dir', file({ path: '{{ kube_config_dir }}', state: 'directory', mode: '0755' }));
    t.task('kubeadm-config.yaml', template({ src: 'kubeadm-config.yaml.njk', dest: CONFIG, mode: '0640' }));
    t.task('kubeadm already run', command('test -f /var/lib/kubelet/config.yaml'), {
      register: 'kubeadm_already_run', changedWhen: false, failedWhen: false, checkMode: false,
    });
    firstControlPlane(t);
    localApiserver(t, 'inventory_hostname == first_kube_control_plane');
    otherControlPlanes(t);
    localApiserver(t, 'inventory_hostname != first_kube_control_plane');
    kubeconfigTasks(t);
  },
});

/** Wrong values users make, refused before kubeadm runs: an apiVersion kubeadm cannot read. */
function checks(t: TaskBuilder<ControlPlaneVars>): void {
  const version = t.task('kubeadm version', command(`${KUBEADM} version -o short`), { register: 'kubeadm_version', changedWhen: false, failedWhen: false, checkMode: false });
  t.task('config API versions this kubeadm reads', set_fact((h) => ({ kubeadm_reads: kubeadmReads(h.result(version).stdout) })), {
    when: (h) => h.result(version).rc === 0,
  });
  t.task('kubeadm reads the config apiVersion', assert({
    that: ['kubeadm_config_api_version in (kubeadm_reads | default([]))'],
    fail_msg:
      "{{ inventory_hostname }}: {{ kube_config_dir }}/kubeadm-config.yaml would say apiVersion: kubeadm.k8s.io/{{ kubeadm_config_api_version }}, " +
      "which kubeadm {{ kubeadm_version.stdout | trim }} does not read (it reads {{ kubeadm_reads | default([]) | join(', ') }}). " +
      'Remove kubeadm_config_api_version from the inventory/extra-vars (it follows kube_version) or set it to {{ kubeadm_reads | default(["?"]) | last }}',
  }), { when: (h) => h.result(version).rc === 0 });
}

function firstControlPlane(t: TaskBuilder<ControlPlaneVars>): void {
  const first = `inventory_hostname == first_kube_control_plane`;
  const init = t.task('kubeadm init', shell(
    `timeout -k {{ kubeadm_init_timeout }} {{ kubeadm_init_timeout }} ${KUBEADM} init --config=${CONFIG} ${IGNORE} ` +
      "{{ ('--skip-phases=' ~ (kubeadm_init_phases_skip | join(','))) if kubeadm_init_phases_skip else '' }} " + UPLOAD_CERTS,
  ), {
    when: `${first} and kubeadm_already_run.rc != 0`,
    register: 'kubeadm_init',
    // its output carries the join token and certificate key: kept out of the log, and on failure
    // only kubeadm's error is shown (next task)
    failedWhen: false,
    noLog: true,
  });
  t.task('kubeadm init succeeded', fail({ msg: '{{ inventory_hostname }}: kubeadm init failed (exit {{ kubeadm_init.rc }}): {{ kubeadm_init.stderr | trim }}' }), {
    when: (h) => { const r = h.result(init); return !r.skipped && r.rc !== 0 && !r.stderr.includes('field is immutable'); },
  });
  // a running control plane whose API certificate lacks a name or address it is reached by
  // (a new load balancer address, supplementary_addresses_in_ssl_keys): TLS to it would fail; say
  // which and how to fix. Other masters' names and addresses are left out (no client reaches this
  // host by them), so a master added later does not fail the masters already running.
  t.task('API certificate names and addresses', shell(
    `for s in {{ apiserver_sans | difference(${OTHER_MASTERS}) | join(' ') }}; do if echo "$s" | grep -Eq '^[0-9.]+$|:'; then o="-checkip $s"; else o="-checkhost $s"; fi; ` +
      'openssl x509 -noout -in {{ kube_cert_dir }}/apiserver.crt $o | grep -q "does match" || echo "$s"; done',
  ), { when: 'kubeadm_already_run.rc == 0', register: 'apiserver_missing_sans', changedWhen: false, checkMode: false });
  t.task('the API certificate covers the load balancer and this host', assert({
    that: ['apiserver_missing_sans.stdout_lines | length == 0'],
    fail_msg:
      '{{ inventory_hostname }}: {{ kube_cert_dir }}/apiserver.crt does not include {{ apiserver_missing_sans.stdout_lines | join(", ") }} ' +
      '(certSANs of {{ kube_config_dir }}/kubeadm-config.yaml): clients reaching the API there would fail TLS verification. ' +
      'If that address is right (loadbalancer_apiserver, apiserver_loadbalancer_domain_name, supplementary_addresses_in_ssl_keys), ' +
      'renew the certificate on this host: mv {{ kube_cert_dir }}/apiserver.crt {{ kube_cert_dir }}/apiserver.key /root/ && ' +
      '{{ kube_packages_bin_dir }}/kubeadm init phase certs apiserver --config={{ kube_config_dir }}/kubeadm-config.yaml, then restart the kube-apiserver pod and run again',
  }), { when: 'kubeadm_already_run.rc == 0' });
}

/**
 * kubespray's kubeadm-fix-apiserver: kubeadm points admin.conf and kubelet.conf at the
 * controlPlaneEndpoint (the first control-plane host); each control-plane host's kubelet and
 * admin.conf use its own apiserver instead (kube_apiserver_endpoint), so they keep working when
 * the first host is down. The kubelet restarts with it, one host at a time, and the task waits
 * until the apiserver answers there again. (controller-manager.conf and scheduler.conf already
 * name this host's own advertise address.)
 */
function localApiserver(t: TaskBuilder<ControlPlaneVars>, when: string): void {
  const conds = [when, 'not ansible_check_mode'];
  t.task('admin.conf and kubelet.conf use this host\'s apiserver', replace({
    path: '{{ kube_config_dir }}/{{ item }}',
    regexp: '^(\\s*server:).*$',
    replace: '\\1 {{ kube_apiserver_endpoint }}',
  }), { loop: ['admin.conf', 'kubelet.conf'], register: 'cp_local_kubeconfigs', when: conds });
  t.task('restart kubelet with its new kubeconfig', systemd({ name: 'kubelet', state: 'restarted' }), {
    when: [...conds, 'cp_local_kubeconfigs.changed'], throttle: 1,
  });
  t.task('the apiserver answers at kube_apiserver_endpoint', command('{{ kube_packages_bin_dir }}/kubectl --kubeconfig {{ kube_config_dir }}/admin.conf get --raw /readyz --request-timeout=5s'), {
    when: [...conds, 'cp_local_kubeconfigs.changed'], changedWhen: false, retries: 45, delay: 2, until: (r) => r.rc === 0,
  });
}

function otherControlPlanes(t: TaskBuilder<ControlPlaneVars>): void {
  const joining = 'inventory_hostname != first_kube_control_plane and kubeadm_already_run.rc != 0';
  // one host at a time, as kubespray's `throttle: 1`: each join adds an etcd member (stacked) and
  // an API server; the key and token are made for it on the first control-plane host
  t.block('join the control plane', (b) => {
    b.task('upload the control-plane certificates', shell(`${KUBEADM} init phase upload-certs ${UPLOAD_CERTS} --config=${CONFIG} | tail -n 1`), {
      delegateTo: FIRST, register: 'kubeadm_upload_certs', noLog: true,
    });
    b.task('join token', command(`${KUBEADM} token create --kubeconfig {{ kube_config_dir }}/admin.conf`), {
      delegateTo: FIRST, register: 'kubeadm_token_create', noLog: true,
    });
    b.task('token and certificate key', set_fact({ kubeadm_token: '{{ kubeadm_token_create.stdout | trim }}', kubeadm_certificate_key: '{{ kubeadm_upload_certs.stdout | trim }}' }), { noLog: true });
    b.task('kubeadm-controlplane.yaml', template({ src: 'kubeadm-controlplane.yaml.njk', dest: '{{ kube_config_dir }}/kubeadm-controlplane.yaml', mode: '0600' }), { noLog: true });
    b.task('kubeadm join --control-plane', shell(
      `timeout -k {{ kubeadm_join_timeout }} {{ kubeadm_join_timeout }} ${KUBEADM} join --config={{ kube_config_dir }}/kubeadm-controlplane.yaml ${IGNORE} ` +
        "{{ ('--skip-phases=' ~ (kubeadm_join_phases_skip | join(','))) if kubeadm_join_phases_skip else '' }}",
    ), { register: 'kubeadm_join_cp' });
  }, { when: joining, serial: 1 });
}
