// When `tsplay lab up -i INV` gives the hosts the Kubernetes package repository.
import { expect } from 'chai';
import { wantsKubeRepo, type LabInventory } from '../../../lib/lab/index.js';

function inv(groups: string[], allVars: Record<string, unknown> = {}): LabInventory {
  return { hosts: new Map(), groups: new Map([['all', { vars: allVars }], ...groups.map((g) => [g, { vars: {} }] as const)]) };
}

describe('lab kube packages: which inventories get the repository', () => {
  it('an inventory with a kubespray group, old or current spelling', () => {
    expect(wantsKubeRepo(inv(['kube-master', 'kube-node']))).to.equal(true);
    expect(wantsKubeRepo(inv(['k8s_cluster']))).to.equal(true);
    expect(wantsKubeRepo(inv(['web', 'db']))).to.equal(false);
  });

  it('lab_kube_repo in the all vars decides either way', () => {
    expect(wantsKubeRepo(inv(['kube-master'], { lab_kube_repo: false }))).to.equal(false);
    expect(wantsKubeRepo(inv(['kube-master'], { lab_kube_repo: 'False' }))).to.equal(false);
    expect(wantsKubeRepo(inv(['web'], { lab_kube_repo: 'yes' }))).to.equal(true);
    expect(wantsKubeRepo(inv(['web'], { lab_kube_repo: true }))).to.equal(true);
  });

  it('refuses a value that is not a boolean, naming the variable', () => {
    expect(() => wantsKubeRepo(inv([], { lab_kube_repo: 'maybe' }))).to.throw('lab_kube_repo must be true or false, not "maybe"');
  });
});
