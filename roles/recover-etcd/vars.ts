import { roleVars, v } from '../../lib/index.js';
import type { Infer } from '../../lib/index.js';
import { etcdVars } from '../etcd/vars.js';

// recover-etcd reads the etcd role's variables (same names, same defaults: the member it restores
// is the member roles/etcd made) and adds its own, kubespray's where kubespray has one (FACTS §3.5).
export const recoverEtcdVars = roleVars({
  ...etcdVars.shape,
  /** the member whose data is restored; default the first [etcd] host not in broken_etcd (kubespray: etcd[0]) */
  etcd_recover_member: v.string(),
  /** restore even though the cluster still has quorum (every other member is wiped and added again) */
  etcd_recover_force: v.boolean(),
  /** kubespray's: a snapshot file on the controller to restore instead of the member's live db */
  etcd_snapshot: v.optional(v.string()),
  /** kubespray's: where backups go; the copied db lands in <prefix>/etcd-recover-<time>/ */
  etcd_backup_prefix: v.string(),
  /** kubespray's etcd_retries (its recovery runbook says -e etcd_retries=10): each wait for health tries 5× this, 2 s apart */
  etcd_retries: v.integer(),
});
export type RecoverEtcdVars = Infer<typeof recoverEtcdVars>;
