// kubeadm's upgrade version policy as a pure function: every rule's exact message, which rules
// --force bypasses, and the wrapping kubeadm prints.
import { expect } from 'chai';
import { enforceVersionPolicies, policyFailure, type PolicyInput } from '../../../lib/lab/kube/kubeadm/policy.js';

const base: PolicyInput = { clusterVersion: 'v1.16.3', kubeadmVersion: 'v1.17.7', newVersion: 'v1.17.7', kubeletVersions: ['v1.16.3'], allowExperimental: false, allowRC: false };
const run = (o: Partial<PolicyInput>) => enforceVersionPolicies({ ...base, ...o });

describe('kubeadm double: upgrade version policy', () => {
  it('lets a one-minor upgrade with a matching kubeadm through with no error', () => {
    expect(run({})).to.deep.equal({ mandatory: [], skippable: [] });
    expect(policyFailure(run({}), false)).to.deep.equal({});
  });

  it('refuses skipping a minor, mandatory even with --force', () => {
    const r = run({ clusterVersion: 'v1.15.6', kubeletVersions: ['v1.15.6'] });
    expect(r.mandatory).to.deep.equal(['Specified version to upgrade to "v1.17.7" is too high; kubeadm can upgrade only 1 minor version at a time']);
    const f = policyFailure(r, true);
    expect(f.error).to.equal(
      'the --version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "v1.17.7" is too high; kubeadm can upgrade only 1 minor version at a time\n\nPlease fix the misalignments highlighted above and try upgrading again',
    );
  });

  it('refuses a target a minor above kubeadm (mandatory) and a patch above kubeadm (skippable)', () => {
    const r = run({ newVersion: 'v1.18.5', clusterVersion: 'v1.17.7', kubeletVersions: ['v1.17.7'] });
    expect(r.mandatory).to.include('Specified version to upgrade to "v1.18.5" is at least one minor release higher than the kubeadm minor release (18 > 17). Such an upgrade is not supported');
    const p = run({ newVersion: '1.17.9' });
    expect(p.mandatory).to.deep.equal([]);
    expect(p.skippable).to.deep.equal(['Specified version to upgrade to "v1.17.9" is higher than the kubeadm version "v1.17.7". Upgrade kubeadm first using the tool you used to install kubeadm']);
    expect(policyFailure(p, false).error).to.equal(
      'the --version argument is invalid due to these errors:\n\n\t- Specified version to upgrade to "v1.17.9" is higher than the kubeadm version "v1.17.7". Upgrade kubeadm first using the tool you used to install kubeadm\n\nCan be bypassed if you pass the --force flag',
    );
    expect(policyFailure(p, true).error).to.equal(undefined);
    expect(policyFailure(p, true).notice).to.match(/^\[upgrade\/version\] Found 1 potential version compatibility errors but skipping since the --force flag is set: /);
  });

  it('refuses the minimum version itself and anything lower', () => {
    const r = run({ newVersion: 'v1.16.0' });
    expect(r.mandatory).to.include('Specified version to upgrade to "v1.16.0" is equal to or lower than the minimum supported version "v1.16.0". Please specify a higher version to upgrade to');
  });

  it('refuses downgrading more than one minor', () => {
    const r = enforceVersionPolicies({ ...base, clusterVersion: 'v1.18.5', kubeadmVersion: 'v1.18.5', newVersion: 'v1.16.9', kubeletVersions: ['v1.18.5'] });
    expect(r.mandatory).to.include('Specified version to downgrade to "v1.16.9" is too low; kubeadm can downgrade only 1 minor version at a time');
  });

  it('flags a newer kubeadm used for an older target as skippable', () => {
    const r = enforceVersionPolicies({ ...base, clusterVersion: 'v1.16.3', kubeadmVersion: 'v1.17.7', newVersion: 'v1.16.9' });
    expect(r.mandatory).to.deep.equal([]);
    expect(r.skippable).to.deep.equal(['Kubeadm version v1.17.7 can only be used to upgrade to Kubernetes version 1.17']);
  });

  it('flags kubelets more than one minor behind the target, listing their versions', () => {
    const r = run({ kubeletVersions: ['v1.15.6', 'v1.16.3', 'v1.15.6'] });
    expect(r.skippable).to.deep.equal(['There are kubelets in this cluster that are too old that have these versions [v1.15.6]']);
  });

  it('flags an unstable target unless the matching --allow-*-upgrades flag is given', () => {
    const r = run({ newVersion: 'v1.17.0-rc.1' });
    expect(r.skippable).to.include('Specified version to upgrade to "v1.17.0-rc.1" is an unstable version and such upgrades weren\'t allowed via setting the --allow-*-upgrades flags');
    expect(run({ newVersion: 'v1.17.0-rc.1', allowRC: true }).skippable).to.deep.equal([]);
    expect(run({ newVersion: 'v1.17.0-alpha.1', allowRC: true }).skippable).to.have.length(1);
    expect(run({ newVersion: 'v1.17.0-alpha.1', allowExperimental: true }).skippable).to.deep.equal([]);
  });
});
