// What the cluster install tests share: a lab inventory with kubespray's groups over lab hosts
// and the lab-only variables of inventory/lab/lab.ini, seed 004's extra-vars as a kubespray extra-vars
// file, and the real kubectl on the controller. The kernel settings are cluster.ts's own
// (roles/kubernetes-preinstall, on the lab hosts' own kernel copies).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabState } from '../../lib/lab/index.js';
import { realKubectl } from '../../lib/lab/kube/packages/kubectl.js';
import { writeLabInventory } from './helpers.js';
import { labSsh } from '../helpers/lab.js';

/**
 * Lab-only variables: inventory/lab/lab.ini's [all:vars] after its connection settings (the file
 * says why for each), so the tests' clusters and the shipped lab inventory cannot drift apart.
 */
export const LAB_VARS: readonly string[] = (() => {
  const ini = readFileSync(path.join(import.meta.dirname, '../../inventory/lab/lab.ini'), 'utf8');
  const section = ini.slice(ini.indexOf('[all:vars]') + '[all:vars]'.length).split(/^\[/m)[0]!;
  return section
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^(tsplay_lab_dir|ansible_)/.test(l));
})();

/** Seed 004's extra-vars (the calico, proxy and client settings), at a version the lab carries. */
export function seedExtraVars(version: string): string {
  return `kube_version: ${version}
enable_nodelocaldns: false
kube_proxy_mode: ipvs
populate_inventory_to_hosts_file: false
override_system_hostname: false
helm_enabled: true
kubeconfig_localhost: true
kubectl_localhost: true
ipip_mode: Never
peer_with_router: true
nat_outgoing: true
global_as_num: "65000"
peers:
  - router_id: "127.0.0.254"
    as: "65000"
calico_ip_auto_method: "can-reach=8.8.8.8"
kubeadm_enabled: true
docker_insecure_registries:
  - tacorepo:5000
`;
}

export async function writeClusterInventory(state: LabState, dir: string, opts: { legacyGroups?: boolean; extra?: string } = {}): Promise<string> {
  const file = path.join(dir, 'hosts.ini');
  await writeLabInventory(state, file, { etcdTls: true, extra: `${opts.extra ?? ''}\n[all:vars]\n${LAB_VARS.join('\n')}\n` });
  if (opts.legacyGroups === false) {
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(file, 'utf8'))
      .replace(/\[kube-master\]/g, '[kube_control_plane]')
      .replace(/\[kube-node\]/g, '[kube_node]')
      .replace(/\[k8s-cluster:children\]\nkube-master\nkube-node/, '[k8s_cluster:children]\nkube_control_plane\nkube_node');
    await writeFile(file, text);
  }
  return file;
}

/** The real kubectl on the controller with `kubeconfig`. */
export async function controllerKubectl(kubeconfig: string, args: string[]): Promise<{ rc: number; out: string }> {
  const bin = await realKubectl();
  return new Promise((resolve) => {
    execFile(bin, ['--kubeconfig', kubeconfig, ...args], { timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ rc: err ? 1 : 0, out: String(stdout) + String(stderr) });
    });
  });
}

/** `kubectl get nodes` from the controller, polled (2 s apart, 60 s at most) until `count` nodes are Ready; the last table. */
export async function nodesOnceReady(kubeconfig: string, count: number): Promise<string> {
  let nodes = '';
  for (let i = 0; i < 30; i++) {
    nodes = (await controllerKubectl(kubeconfig, ['get', 'nodes'])).out;
    if ((nodes.match(/\sReady\s/g) ?? []).length === count) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return nodes;
}

/** Polls `probe` every `everyMs` until it gives a value, at most `ms`; the last value (or undefined). */
export async function within<T>(ms: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// what a run that touches a host leaves behind: packages, files under the paths the install
// writes (not all of /etc: a lab host's root is an overlay over the machine's, whose own /etc
// may change meanwhile), units, processes (the lab's own sshd and supervisor aside)
const WRITES = [
  '/etc/kubernetes', '/etc/containerd', '/etc/etcd.env', '/etc/ssl/etcd', '/etc/cni', '/etc/nginx', '/etc/haproxy', '/etc/keepalived',
  '/etc/default/kubelet', '/etc/systemd/system', '/etc/modules-load.d', '/etc/modprobe.d', '/etc/sysctl.d', '/etc/apt',
  '/etc/fstab', '/etc/hosts', '/etc/hostname', '/var/lib/kubelet', '/var/lib/etcd', '/var/lib/containerd', '/opt/cni', '/usr/local/bin',
].join(' ');
const FOOTPRINT =
  "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' | sort | md5sum; " +
  `find ${WRITES} -xdev -printf "%p %s %m %T@\\n" 2>/dev/null | sort | md5sum; ` +
  'ls /etc/systemd/system /etc/systemd/system/*.wants 2>/dev/null | md5sum; ' +
  // ps first, alone: in a pipeline the later commands (uniq...) may or may not have started when ps reads /proc
  "procs=$(ps -eo comm=); echo \"$procs\" | grep -v -e '^ps$' -e '^sh$' -e '^bash$' -e '^sshd' -e '^python3$' -e '^tini$' -e '^sleep$' | sort | uniq -c";

/** Each host's footprint, four parts a line each and the processes after: packages, files, units. */
export function hostFootprints(state: LabState, hosts: readonly { name: string }[]): Promise<string[]> {
  return Promise.all(hosts.map(async (h) => (await labSsh(state, h.name, FOOTPRINT)).stdout));
}
