import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// The external API load balancer built on the control-plane hosts (seed 002: haproxy + keepalived
// on systemd). kubespray expects `loadbalancer_apiserver` to exist already and leaves keepalived
// "out of scope"; tsplay offers to build it, off by default, with variables prefixed
// `loadbalancer_apiserver_` like kubespray's own load balancer settings (so they sort and read
// together, and cannot clash with a keepalived role of the user's own).
export const externalLbVars = roleVars({
  /** kubespray's external load balancer `{address, port}`: the VIP and the port clients use */
  loadbalancer_apiserver: v.optional(v.object({ address: v.string(), port: v.integer() })),
  /** tsplay: run haproxy (the Debian package, a systemd service) on every control-plane host as that load balancer */
  loadbalancer_apiserver_haproxy: v.boolean(),
  /** tsplay: haproxy listens here on loadbalancer_apiserver.port; '*' works on hosts that do not hold the VIP yet */
  loadbalancer_apiserver_haproxy_bind_address: v.string(),
  /** tsplay: started | stopped */
  loadbalancer_apiserver_haproxy_state: v.enum('started', 'stopped'),
  /** tsplay: keepalived moves loadbalancer_apiserver.address (VRRP) between the control-plane hosts */
  loadbalancer_apiserver_keepalived: v.boolean(),
  loadbalancer_apiserver_keepalived_interface: v.string(),
  /** VRRP virtual_router_id, 1..255, unique on the network segment */
  loadbalancer_apiserver_keepalived_router_id: v.integer(),
  /** the first control-plane host highest, as the MASTER */
  loadbalancer_apiserver_keepalived_priority: v.integer(),
  /** VRRP PASS authentication (at most 8 characters); none when unset */
  loadbalancer_apiserver_keepalived_auth_pass: v.optional(v.string()),
  /** prefix length of the VIP */
  loadbalancer_apiserver_keepalived_cidr: v.integer(),
  /** started | stopped (stopped: rendered and checked only, as in the lab, where no VRRP address may exist) */
  loadbalancer_apiserver_keepalived_state: v.enum('started', 'stopped'),
  kube_apiserver_port: v.integer(),
  kube_apiserver_bind_address: v.string(),
  haproxy_config_dir: v.string(),
  keepalived_config_dir: v.string(),
  haproxy_config_validate: v.string(),
  keepalived_config_validate: v.string(),
});
export type ExternalLbVars = Infer<typeof externalLbVars>;
