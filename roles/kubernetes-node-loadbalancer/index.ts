import { apt, defineRole, file, systemd, template, type TaskBuilder } from '../../lib/index.js';
import { localLbVars, type LocalLbVars } from './vars.js';

export { localLbVars, type LocalLbVars } from './vars.js';

// The localhost API load balancer of kubespray's roles/kubernetes/node (tasks/loadbalancer): on
// every host that is not a control plane (and on control planes whose apiserver is not bound to
// '::'), an nginx or haproxy static pod listening on 127.0.0.1:<loadbalancer_apiserver_port> and
// proxying to every control-plane host's apiserver. The config is checked by the tool itself
// before it replaces the live one; a config the tool refuses leaves the old file in place.

const RUNS_HERE =
  "loadbalancer_apiserver_localhost and (inventory_hostname not in (groups['kube_control_plane'] | default([])) or kube_apiserver_bind_address != '::')";

export default defineRole({
  name: 'kubernetes-node-loadbalancer',
  vars: localLbVars,
  defaults: {
    loadbalancer_apiserver_localhost: '{{ loadbalancer_apiserver is not defined }}',
    loadbalancer_apiserver_type: 'nginx',
    loadbalancer_apiserver_port: '{{ kube_apiserver_port }}',
    loadbalancer_apiserver_keepalive_timeout: '5m',
    loadbalancer_apiserver_pod_name: "{% if loadbalancer_apiserver_type == 'nginx' %}nginx-proxy{% else %}haproxy{% endif %}",
    loadbalancer_apiserver_cpu_requests: '25m',
    loadbalancer_apiserver_memory_requests: '32M',
    loadbalancer_apiserver_bind_address: '127.0.0.1',
    loadbalancer_apiserver_healthcheck_bind_address: '0.0.0.0',
    kube_apiserver_port: 6443,
    kube_apiserver_bind_address: '::',
    kube_config_dir: '/etc/kubernetes',
    kube_manifest_dir: '{{ kube_config_dir }}/manifests',
    nginx_config_dir: '/etc/nginx',
    haproxy_config_dir: '/etc/haproxy',
    nginx_image_repo: 'docker.io/library/nginx',
    nginx_image_tag: '1.30.1-alpine',
    haproxy_image_repo: 'docker.io/library/haproxy',
    haproxy_image_tag: '3.2.19-alpine',
    k8s_image_pull_policy: 'IfNotPresent',
    ipv6_stack: false,
    nginx_load_modules: [],
    // Debian's nginx has the stream module as a dynamic module; the image has it built in
    nginx_config_validate: "nginx -t -q -g 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;' -c %s",
    haproxy_config_validate: 'haproxy -c -f %s',
    loadbalancer_apiserver_check_packages:
      "{{ ['nginx-light', 'libnginx-mod-stream'] if loadbalancer_apiserver_type == 'nginx' else ['haproxy'] }}",
    loadbalancer_apiserver_check_service: '{{ loadbalancer_apiserver_type }}',
  },
  tasks: (t) => {
    t.block('localhost API load balancer', (b) => localLbTasks(b), { when: RUNS_HERE });
  },
});

function localLbTasks(t: TaskBuilder<LocalLbVars>): void {
  t.task('packages that check the load balancer config', apt({ name: '{{ loadbalancer_apiserver_check_packages }}', state: 'present' }), {
    when: 'loadbalancer_apiserver_check_packages | length > 0',
    register: 'lb_check_packages',
  });
  // The package's own service would run the same config beside the static pod: disabled always,
  // stopped only right after the install started it. (Asking for `stopped` on every run would, on
  // a host where the pod's nginx writes the pid file the unit names, stop the pod's process.)
  const service = "loadbalancer_apiserver_check_service != ''";
  const installed = 'not (ansible_check_mode and (lb_check_packages.changed | default(false)))';
  t.task('the packaged load balancer service is disabled', systemd({ name: '{{ loadbalancer_apiserver_check_service }}', enabled: false }), {
    when: [service, installed],
  });
  t.task('the packaged load balancer service is stopped after its install', systemd({ name: '{{ loadbalancer_apiserver_check_service }}', state: 'stopped' }), {
    when: [service, installed, 'lb_check_packages.changed | default(false)'],
  });
  t.block('nginx-proxy', (b) => flavour(b, 'nginx'), { when: "loadbalancer_apiserver_type == 'nginx'" });
  t.block('haproxy', (b) => flavour(b, 'haproxy'), { when: "loadbalancer_apiserver_type == 'haproxy'" });
}

/** kubespray's loadbalancer/nginx-proxy.yml and loadbalancer/haproxy.yml, which differ only in names. */
function flavour(t: TaskBuilder<LocalLbVars>, type: 'nginx' | 'haproxy'): void {
  const other = type === 'nginx' ? 'haproxy.yml' : 'nginx-proxy.yml';
  const manifest = type === 'nginx' ? 'nginx-proxy.yml' : 'haproxy.yml';
  const dir = type === 'nginx' ? '{{ nginx_config_dir }}' : '{{ haproxy_config_dir }}';
  const conf = type === 'nginx' ? 'nginx.conf' : 'haproxy.cfg';
  t.task(`remove the ${other === 'haproxy.yml' ? 'haproxy' : 'nginx-proxy'} static pod`, file({ path: `{{ kube_manifest_dir }}/${other}`, state: 'absent' }));
  t.task(`${type} config dir`, file({ path: dir, state: 'directory', mode: type === 'nginx' ? '0700' : '0755', owner: 'root' }));
  t.task(
    `${type} config (checked by ${type} before it is put in place)`,
    template({ src: `${conf}.njk`, dest: `${dir}/${conf}`, owner: 'root', mode: '0755', backup: true, validate: `{{ ${type}_config_validate }}` }),
    { register: 'lb_config' },
  );
  t.task('static pod manifests dir', file({ path: '{{ kube_manifest_dir }}', state: 'directory', mode: '0755' }));
  t.task(`${manifest.replace('.yml', '')} static pod`, template({ src: `${manifest}.njk`, dest: `{{ kube_manifest_dir }}/${manifest}`, mode: '0640' }));
}
