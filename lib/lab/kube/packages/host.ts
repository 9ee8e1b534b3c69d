// What a lab host gets for the Kubernetes packages (`lab up` with the repository), written into its
// upper dir before it boots:
// - the repository's public key at /etc/apt/keyrings/kubernetes-apt-keyring.gpg and the source
//   /etc/apt/sources.list.d/kubernetes.list naming it (signed-by), as the install guides write them;
//   the repository itself is the machine's files, which the host sees read-only through its
//   overlay (its writes would go to its own upper dir);
// - a fresh node's view of these packages: when this machine has its own kubeadm, kubelet,
//   kubectl, kubernetes-cni or cri-tools installed (e.g. the kubectl of Google's Cloud SDK), the
//   host's dpkg database is a copy of the machine's without them and their files are hidden, so
//   `apt-get install kubectl=1.16.3-00` installs, as on a new node, instead of being a downgrade.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../proc.js';
import { copyIntoUpper, ensureUpperDir, writeUpper } from '../../upper.js';
import { HOST_KEYRING, HOST_SOURCES, type KubeRepo } from './repo.js';

export const FRESH_NODE_PACKAGES = ['kubeadm', 'kubelet', 'kubectl', 'kubernetes-cni', 'cri-tools'];
const DPKG = '/var/lib/dpkg';

export async function prepareKubeHost(upper: string, repo: KubeRepo): Promise<void> {
  await Promise.all([
    copyIntoUpper(upper, HOST_KEYRING, repo.keyring, 0o644),
    writeUpper(upper, HOST_SOURCES, repo.sourcesLine + '\n', { mode: 0o644 }),
    forgetMachinePackages(upper),
  ]);
}

async function forgetMachinePackages(upper: string): Promise<void> {
  const status = await readFile(`${DPKG}/status`, 'utf8').catch(() => '');
  const stanzas = status.split(/\n\n+/);
  const isOurs = (s: string): boolean => FRESH_NODE_PACKAGES.includes(/^Package: (\S+)$/m.exec(s)?.[1] ?? '');
  const present = stanzas.filter(isOurs).map((s) => /^Package: (\S+)$/m.exec(s)![1]);
  if (!present.length) return;
  await writeUpper(upper, `${DPKG}/status`, stanzas.filter((s) => !isOurs(s) && s.trim()).join('\n\n').trimEnd() + '\n', { mode: 0o644 });
  const hide: string[] = [];
  for (const pkg of present) {
    const list = await readFile(`${DPKG}/info/${pkg}.list`, 'utf8').catch(() => '');
    hide.push(...list.split('\n').filter((f) => f.startsWith('/') && f !== '/.'));
    for (const ext of ['list', 'md5sums', 'postinst', 'prerm', 'postrm', 'preinst', 'conffiles']) hide.push(`${DPKG}/info/${pkg}.${ext}`);
  }
  // python3 (node has no mknod): a whiteout for each file (not directory) that exists below
  const files = hide.filter((f) => !path.posix.relative('/', f).startsWith('..'));
  await Promise.all([...new Set(files.map((f) => path.posix.dirname(f)))].map((d) => ensureUpperDir(upper, d)));
  await run('/usr/bin/python3', ['-c', WHITEOUT_PY, upper, ...files]);
}

const WHITEOUT_PY = `
import os, stat, sys
upper, *paths = sys.argv[1:]
for p in paths:
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        continue
    if stat.S_ISDIR(st.st_mode):
        continue
    u = upper + p
    if os.path.lexists(u):
        os.unlink(u)
    os.mknod(u, stat.S_IFCHR, os.makedev(0, 0))
`;
