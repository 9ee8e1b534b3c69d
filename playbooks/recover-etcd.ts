import { playbook } from '../lib/index.js';
import recoverEtcd from '../roles/recover-etcd/index.js';
import { boilerplate } from './boilerplate.js';

// Seed 004's etcd recovery (3 → 1 → 3), kubespray's recover_control_plane.yml etcd part:
//   tsplay run playbooks/recover-etcd.ts -i hosts.ini --check      # the plan, nothing changed
//   tsplay run playbooks/recover-etcd.ts -i hosts.ini [-e etcd_recover_member=k1-master03]
// A cluster that kept quorum is refused unless its broken members are in [broken_etcd].
export default playbook('recover-etcd', [
  boilerplate,
  // any member's failure stops every member: the recovery is one sequence across the cluster
  { name: 'recover etcd', hosts: 'etcd', gatherFacts: false, anyErrorsFatal: true, roles: [recoverEtcd] },
]);
