import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { clusterShape } from '../kubespray-defaults/index.js';

// The control-plane role's variables: the shared cluster ones (kubespray-defaults) and kubespray's
// control-plane/kubeadm ones (FACTS §2.1).
export const controlPlaneVars = roleVars({
  ...clusterShape,
  /** kubeadm.k8s.io/<this>: follows kube_version; a value the installed kubeadm cannot read is refused early */
  kubeadm_config_api_version: v.enum('v1beta1', 'v1beta2', 'v1beta3', 'v1beta4'),
  kubeadm_init_timeout: v.string({ pattern: '^\\d+s$' }),
  kubeadm_join_timeout: v.string({ pattern: '^\\d+s$' }),
  kubeadm_ignore_preflight_errors: v.array(v.string()),
  kubeadm_init_phases_skip: v.array(v.string()),
  kubeadm_join_phases_skip: v.array(v.string()),
  kubelet_fail_swap_on: v.boolean(),
  etcd_cert_dir: v.string(),
  etcd_client_port: v.integer(),
  /** the etcd role's (etcd_deployment_type host); stacked etcd keeps kubeadm's listen URLs (127.0.0.1 and the advertise address), as its config is the whole cluster's */
  etcd_listen_loopback: v.boolean(),
  /** every name and address of the API certificate (FACTS §2.2's list) */
  apiserver_sans: v.array(v.string()),
  /** tsplay: the part of apiserver_sans for the control-plane hosts, each one's name and access_ip|ip|ansible_host */
  apiserver_sans_control_plane: v.array(v.string()),
  /** non-root users who also get ~/.kube/config (root always does; so does ansible_user) */
  kubeconfig_users: v.array(v.string()),
});
export type ControlPlaneVars = Infer<typeof controlPlaneVars>;
