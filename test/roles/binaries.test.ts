// cluster.ts installs kubeadm, kubelet and kubectl from the Kubernetes apt packages, into
// kube_packages_bin_dir (/usr/bin); kubespray's bin_dir (/usr/local/bin) holds its downloaded
// binaries. A role that ran `{{ bin_dir }}/kubectl` worked only where a test set bin_dir=/usr/bin:
// upgrade-cluster.ts on a cluster that cluster.ts built failed at its first kubectl.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROLES = path.resolve(import.meta.dirname, '../../roles');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.(ts|njk)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe('roles run the packaged kubeadm and kubectl', () => {
  it('no role runs kubeadm or kubectl from bin_dir', () => {
    const offenders = sources(ROLES).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${path.relative(ROLES, f)}:${i + 1}` }))
        // the reset role's list of kubespray's files to delete names them without running them
        .filter(({ line }) => /(\{\{\s*bin_dir\s*\}\}|\bvars\.bin_dir\})\/kube(adm|ctl)\b/.test(line) && !/^\s*'\{\{ bin_dir \}\}\/kube(adm|ctl)',\s*$/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offenders).to.deep.equal([]);
  });
});
