import type { HostView } from '../../lib/index.js';

// The ports kubeadm's preflight checks (FACTS.md §5: Port-6443, -10257, -10259, -10250, -2379,
// -2380; before 1.20 that kubeadm checks the insecure -10251 and -10252 the scheduler and
// controller-manager of those releases open: both are checked then), for the groups the host is
// in, each with the address its component will bind. Checked
// only before the component is set up (kubeadm too checks them only before init/join), so a
// second run on an installed node, where the component itself holds its port, passes.

export interface RequiredPort {
  port: number;
  address: string;
  what: string;
}

/** single-quoted for sh */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const str = (x: unknown): string => (typeof x === 'string' || typeof x === 'number' ? String(x) : '');

export function requiredPorts(h: HostView): RequiredPort[] {
  const vars = h.vars as Record<string, unknown>;
  const inGroup = (g: string): boolean => (h.groups[g] ?? []).includes(h.name);
  const out: RequiredPort[] = [];
  if (inGroup('kube_control_plane')) {
    out.push({ port: Number(vars.kube_apiserver_port), address: str(vars.kube_apiserver_bind_address), what: 'kube-apiserver' });
    out.push({ port: 10257, address: str(vars.kube_controller_manager_bind_address), what: 'kube-controller-manager' });
    out.push({ port: 10259, address: str(vars.kube_scheduler_bind_address), what: 'kube-scheduler' });
    const minor = Number(/^v?1\.(\d+)\./.exec(str(vars.kube_version))?.[1] ?? 99);
    if (minor < 20) {
      out.push({ port: 10252, address: str(vars.kube_controller_manager_bind_address), what: 'kube-controller-manager' });
      out.push({ port: 10251, address: str(vars.kube_scheduler_bind_address), what: 'kube-scheduler' });
    }
  }
  if (inGroup('kube_control_plane') || inGroup('kube_node')) out.push({ port: 10250, address: str(vars.kubelet_bind_address), what: 'kubelet' });
  if (inGroup('etcd')) {
    out.push({ port: Number(vars.etcd_client_port), address: str(vars.etcd_address), what: 'etcd-client' });
    out.push({ port: Number(vars.etcd_peer_port), address: str(vars.etcd_address), what: 'etcd-peer' });
  }
  return out;
}

/**
 * One round trip: prints `PORT|WHAT|LISTENER|PROCESS` for every required port that a listener
 * would keep its component from binding (same address, or either side a wildcard). A port is
 * skipped once its component is configured (kubelet.conf, the apiserver manifest, /etc/etcd.env or,
 * for etcd run by kubeadm, its static pod manifest).
 */
export function portCheckScript(h: HostView, configDir: string): string {
  const rows = requiredPorts(h).map((p) => `${p.port} ${p.address || '::'} ${p.what}`).join('\n');
  const done = (what: string): string =>
    what.startsWith('etcd') ? `{ [ -e /etc/etcd.env ] || [ -e ${shq(configDir)}/manifests/etcd.yaml ]; }` : what === 'kubelet' ? `[ -e ${shq(configDir)}/kubelet.conf ]` : `[ -e ${shq(configDir)}/manifests/${what}.yaml ]`;
  const skips = [...new Set(requiredPorts(h).map((p) => p.what))].map((w) => `${w}) ${done(w)} && continue ;;`).join(' ');
  const mine = ((h.vars as Record<string, unknown>).kube_preinstall_port_check_host_addresses ?? []) as string[];
  return `printf '%s\\n' ${shq(rows)} | while read -r port bind what; do
  case "$what" in ${skips} esac
  ss -Hltnp "sport = :$port" 2>/dev/null | awk -v port="$port" -v bind="$bind" -v what="$what" -v mine=${shq(` ${mine.join(' ')} `)} '
    { la = $4; sub(/:[0-9]+$/, "", la); gsub(/^\\[|\\]$/, "", la); sub(/^::ffff:/, "", la); sub(/%.*$/, "", la)
      wl = (la == "*" || la == "0.0.0.0" || la == "::"); wb = (bind == "::" || bind == "0.0.0.0")
      if (mine != "  " && !wl && !index(mine, " " la " ")) next
      if (!(wl || wb || la == bind)) next
      proc = "a process this host cannot see"; if (match($0, /users:\\(\\("[^"]+"/)) proc = substr($0, RSTART + 9, RLENGTH - 10)
      print port "|" what "|" $4 "|" proc }'
done`;
}
