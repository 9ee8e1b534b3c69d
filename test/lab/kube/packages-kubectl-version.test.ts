// The kubectl package's `version` wrapper, without a lab: which argument is the subcommand, and
// the client part in each release's format (the lab tests run it on hosts against the real binary).
import { expect } from 'chai';
import { subcommandIndex } from '../../../lib/lab/kube/packages/kubectl-version/main.js';
import { clientInfo, hasStructFormat, kustomizeVersion, structText, yamlText } from '../../../lib/lab/kube/packages/kubectl-version/format.js';

describe('lab kube packages: kubectl version wrapper', () => {
  it('finds the subcommand past global flags and their values', () => {
    expect(subcommandIndex(['version', '--client'])).to.equal(0);
    expect(subcommandIndex(['--kubeconfig', '/x', 'version'])).to.equal(2);
    expect(subcommandIndex(['--kubeconfig=/x', '-n', 'kube-system', 'get', 'cm', 'version'])).to.equal(3);
    expect(subcommandIndex(['-v', '5', '--'])).to.equal(-1);
  });

  it('prints 1.16 as Go struct text, 1.35 in the short form with kustomize', () => {
    expect(hasStructFormat('1.16.3')).to.equal(true);
    expect(hasStructFormat('1.27.1')).to.equal(true);
    expect(hasStructFormat('1.28.0')).to.equal(false);
    expect(structText(clientInfo('1.16.3'))).to.match(
      /^version\.Info\{Major:"1", Minor:"16", GitVersion:"v1\.16\.3", GitCommit:"0{40}", GitTreeState:"clean", BuildDate:"[^"]+", GoVersion:"go1\.12\.12", Compiler:"gc", Platform:"linux\/amd64"\}$/,
    );
    expect(kustomizeVersion('1.16.3')).to.equal(undefined);
    expect(kustomizeVersion('1.35.2')).to.equal('v5.7.1');
  });

  it('writes YAML as sigs.k8s.io/yaml does: keys sorted, numbers and dates quoted', () => {
    const text = yamlText({ clientVersion: clientInfo('1.17.7'), kustomizeVersion: 'v5.7.1' });
    expect(text.split('\n').slice(0, 4)).to.deep.equal(['clientVersion:', '  buildDate: "2026-01-01T00:00:00Z"', '  compiler: gc', `  gitCommit: "${'0'.repeat(40)}"`]);
    expect(text).to.contain('  major: "1"\n  minor: "17"\n  platform: linux/amd64\nkustomizeVersion: v5.7.1\n');
  });
});
