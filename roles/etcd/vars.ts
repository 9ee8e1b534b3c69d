import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';

// The etcd role's variables: kubespray's names and defaults (FACTS §3.1–3.3).
export const etcdVars = roleVars({
  etcd_data_dir: v.string(),
  etcd_address: v.string(),
  etcd_client_port: v.integer(),
  etcd_peer_port: v.integer(),
  etcd_member_name: v.string(),
  /** https with the kubespray cert layout, or http (the lab, on loopback only) */
  etcd_tls: v.boolean(),
  etcd_cert_dir: v.string(),
  etcd_metrics: v.enum('basic', 'extensive'),
  /** also listen on 127.0.0.1 (kubespray does; lab hosts share one loopback, so they do not) */
  etcd_listen_loopback: v.boolean(),
  etcd_election_timeout: v.integer(),
  etcd_heartbeat_interval: v.integer(),
  etcd_initial_cluster_token: v.string(),
  /** `new` when forming a cluster; `existing` when adding a member to a running one (seed 004) */
  etcd_initial_cluster_state: v.enum('new', 'existing'),
  etcd_compaction_retention: v.string(),
  etcd_snapshot_count: v.integer(),
  etcd_peer_client_auth: v.boolean(),
  etcd_bin: v.string(),
  etcdctl_bin: v.string(),
  // derived, as kubespray names them; override only to point elsewhere
  etcd_scheme: v.enum('http', 'https'),
  etcd_client_url: v.string(),
  etcd_peer_url: v.string(),
  /** every member's client URL, in [etcd] order */
  etcd_access_addresses: v.string(),
  /** ETCD_INITIAL_CLUSTER: etcdN=peer URL for every member, in [etcd] order */
  etcd_peer_addresses: v.string(),
  etcdctl_tls_flags: v.string(),
  // the PKI (FACTS §3.2)
  etcd_config_dir: v.string(),
  etcd_script_dir: v.string(),
  etcd_cert_alt_names: v.array(v.string()),
  etcd_cert_alt_ips: v.array(v.string()),
  certificates_key_size: v.integer(),
  /** days */
  certificates_duration: v.integer(),
  /** a certificate that expires within this many days is made again */
  etcd_cert_renew_days: v.integer(),
  /** kubespray's default is true (every run remakes member/admin/node certificates); tsplay's is false */
  force_etcd_cert_refresh: v.boolean(),
  /** hosts that get a node- certificate (kube-apiserver's etcd client certificate): the control plane */
  etcd_cert_node_hosts: v.array(v.string()),
  /** the files a host needs from the first etcd host */
  etcd_cert_files: v.array(v.string()),
  /** tries of `etcdctl member add` / `member remove` (kubespray's; etcd refuses a reconfiguration while a member is new) */
  etcd_retries: v.integer(),
});
export type EtcdVars = Infer<typeof etcdVars>;
