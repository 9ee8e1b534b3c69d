import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// The localhost API load balancer's variables: kubespray's names and defaults (FACTS §4,
// roles/kubernetes/node/defaults, kubespray_defaults), plus the few tsplay adds (marked).
export const localLbVars = roleVars({
  /** an external load balancer `{address, port}`; when set, no localhost load balancer by default */
  loadbalancer_apiserver: v.optional(v.object({ address: v.string(), port: v.integer() })),
  loadbalancer_apiserver_localhost: v.boolean(),
  loadbalancer_apiserver_type: v.enum('nginx', 'haproxy'),
  /** the port the localhost load balancer listens on (kubespray: default kube_apiserver_port) */
  loadbalancer_apiserver_port: v.integer(),
  /** set → a /healthz listener on this port and the pod's liveness/readiness probes (sample inventory: 8081) */
  loadbalancer_apiserver_healthcheck_port: v.optional(v.integer()),
  loadbalancer_apiserver_keepalive_timeout: v.string(),
  loadbalancer_apiserver_pod_name: v.string(),
  loadbalancer_apiserver_cpu_requests: v.string(),
  loadbalancer_apiserver_memory_requests: v.string(),
  /** tsplay: the address the load balancer listens on (kubespray hard-codes 127.0.0.1; lab hosts share it) */
  loadbalancer_apiserver_bind_address: v.string(),
  /** tsplay: the address of the /healthz listener (kubespray: every address) */
  loadbalancer_apiserver_healthcheck_bind_address: v.string(),
  kube_apiserver_port: v.integer(),
  /** on a control-plane host the load balancer runs only when the apiserver is not bound to '::' */
  kube_apiserver_bind_address: v.string(),
  kube_config_dir: v.string(),
  kube_manifest_dir: v.string(),
  nginx_config_dir: v.string(),
  haproxy_config_dir: v.string(),
  nginx_image_repo: v.string(),
  nginx_image_tag: v.string(),
  haproxy_image_repo: v.string(),
  haproxy_image_tag: v.string(),
  k8s_image_pull_policy: v.enum('IfNotPresent', 'Always', 'Never'),
  ipv6_stack: v.boolean(),
  /** tsplay: `load_module` lines for nginx.conf (the nginx image has stream built in; Debian's nginx loads it) */
  nginx_load_modules: v.array(v.string()),
  /** tsplay: the command that checks a new nginx.conf (%s = the file) before it is put in place */
  nginx_config_validate: v.string(),
  /** tsplay: the command that checks a new haproxy.cfg (%s = the file) before it is put in place */
  haproxy_config_validate: v.string(),
  /** tsplay: Debian packages that provide the checks above on the host (their own services are kept off) */
  loadbalancer_apiserver_check_packages: v.array(v.string()),
  /** tsplay: the package's own service to keep stopped and disabled: the static pod runs the load balancer */
  loadbalancer_apiserver_check_service: v.string(),
});
export type LocalLbVars = Infer<typeof localLbVars>;
