// The free-port check of roles/kubernetes-preinstall mirrors the kubeadm preflight of the release
// being installed: kubeadm before 1.20 checks the insecure ports 10251 (scheduler) and 10252
// (controller-manager) those releases open; from 1.20 it checks only the secure 10257 and 10259.
import { expect } from 'chai';
import type { HostView } from '../../lib/index.js';
import { requiredPorts } from '../../roles/kubernetes-preinstall/ports.js';

function master(kubeVersion: string): HostView {
  const vars = {
    kube_version: kubeVersion, kube_apiserver_port: 6443, kube_apiserver_bind_address: '::', kube_controller_manager_bind_address: '::',
    kube_scheduler_bind_address: '::', kubelet_bind_address: '10.0.0.1', etcd_address: '10.0.0.1', etcd_client_port: 2379, etcd_peer_port: 2380,
  };
  const groups = { kube_control_plane: ['m1'], kube_node: [], etcd: ['m1'] };
  return { name: 'm1', vars, allVars: vars, groups, groupNames: ['etcd', 'kube_control_plane'] } as unknown as HostView;
}

const ports = (v: string): number[] => requiredPorts(master(v)).map((p) => p.port).sort((a, b) => a - b);

describe('preinstall: the ports a control-plane host needs free follow kubeadm preflight of kube_version', () => {
  it('1.14.3 and v1.16.3 (before 1.20) also need 10251 and 10252', () => {
    for (const v of ['1.14.3', 'v1.16.3']) expect(ports(v), v).to.deep.equal([2379, 2380, 6443, 10250, 10251, 10252, 10257, 10259]);
  });
  it('1.20.0 and 1.34.3 need the secure ports only', () => {
    for (const v of ['1.20.0', '1.34.3']) expect(ports(v), v).to.deep.equal([2379, 2380, 6443, 10250, 10257, 10259]);
  });
});
