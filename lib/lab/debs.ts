// The Debian packages a lab needs on the machine that runs it, installed by `lab up` when missing
// (it runs as root already), saying what it installs: the quick start's first line then works on
// a fresh Debian machine. Each package is found by a file it ships, so nothing is installed twice.
import { access } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { LabError } from './errors.js';

export interface NeededDeb {
  /** a file the package ships, whose absence means the package is missing */
  file: string;
  pkg: string;
  why: string;
  /** the package that ships `file` when it is a dependency of `pkg` */
  shippedBy?: string;
}

/** What every lab needs: hosts' PID 1, sshd, the confinement tools, etcd and openssl for the cluster flows. */
export const LAB_DEBS: readonly NeededDeb[] = [
  { file: '/usr/bin/tini', pkg: 'tini', why: "lab hosts' PID 1" },
  { file: '/usr/sbin/sshd', pkg: 'openssh-server', why: "lab hosts' sshd" },
  { file: '/usr/bin/setpriv', pkg: 'util-linux', why: 'confining lab hosts' },
  { file: '/usr/sbin/pivot_root', pkg: 'util-linux', why: 'confining lab hosts' },
  { file: '/usr/bin/etcd', pkg: 'etcd-server', why: 'the etcd role on lab hosts' },
  { file: '/usr/bin/etcdctl', pkg: 'etcd-client', why: 'the etcd role on lab hosts' },
  { file: '/usr/bin/openssl', pkg: 'openssl', why: 'the etcd and Kubernetes PKI' },
  { file: '/usr/bin/python3', pkg: 'python3', shippedBy: 'python3-minimal', why: 'modules that run Python on hosts, as Ansible' },
  // the API load balancers: the kubelet double runs the real haproxy/nginx for their images, and
  // the roles check every config with these tools before it is put in place
  { file: '/usr/sbin/haproxy', pkg: 'haproxy', why: 'the API load balancers (haproxy)' },
  { file: '/usr/sbin/nginx', pkg: 'nginx-light', shippedBy: 'nginx', why: 'the localhost API load balancer (nginx-proxy)' },
  { file: '/usr/lib/nginx/modules/ngx_stream_module.so', pkg: 'libnginx-mod-stream', why: "nginx-proxy's stream proxy" },
  { file: '/usr/sbin/keepalived', pkg: 'keepalived', why: "checking the external load balancer's keepalived.conf" },
];

/** What a lab with the Kubernetes package repository needs besides. */
export const KUBE_LAB_DEBS: readonly NeededDeb[] = [
  { file: '/usr/bin/dpkg-deb', pkg: 'dpkg', why: 'building the kubeadm/kubelet/kubectl packages' },
  { file: '/usr/bin/dpkg-scanpackages', pkg: 'dpkg-dev', why: 'the lab apt repository index' },
  { file: '/usr/bin/gpg', pkg: 'gpg', why: 'signing the lab apt repository' },
];

export interface DebInstaller {
  exists: (file: string) => Promise<boolean>;
  /** runs a command; resolves with its exit code and output */
  run: (cmd: string, args: string[]) => Promise<{ code: number; out: string }>;
  say: (line: string) => void;
}

const realInstaller: DebInstaller = {
  exists: (f) => access(f).then(() => true, () => false),
  run: (cmd, args) =>
    new Promise((resolve) => {
      const p = spawn(cmd, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('error', (e) => resolve({ code: 127, out: e.message }));
      p.on('close', (code) => resolve({ code: code ?? 1, out }));
    }),
  say: (line) => process.stderr.write(`${line}\n`),
};

/** Installs the packages of `needed` whose files are missing; a no-op when all are there. */
export async function ensureDebs(needed: readonly NeededDeb[], io: DebInstaller = realInstaller): Promise<string[]> {
  const missing: NeededDeb[] = [];
  for (const n of needed) if (!(await io.exists(n.file))) missing.push(n);
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  if (!pkgs.length) return [];
  if (!(await io.exists('/usr/bin/apt-get'))) {
    throw new LabError(`the lab needs the Debian packages ${pkgs.join(', ')} (${missing.map((m) => `${m.file}: ${m.why}`).join('; ')}) and this machine has no apt-get: install them by hand`);
  }
  io.say(`lab: installing Debian packages the lab needs: ${pkgs.join(' ')} (${[...new Set(missing.map((m) => m.why))].join('; ')})`);
  const install = (): Promise<{ code: number; out: string }> => io.run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  let r = await install();
  if (r.code !== 0) {
    // a fresh machine has no package lists yet
    const u = await io.run('apt-get', ['update', '-qq']);
    if (u.code !== 0) throw new LabError(`apt-get update failed, so ${pkgs.join(', ')} could not be installed:\n${u.out.trim().split('\n').slice(-5).join('\n')}`);
    r = await install();
  }
  if (r.code !== 0) throw new LabError(`apt-get install ${pkgs.join(' ')} failed:\n${r.out.trim().split('\n').slice(-5).join('\n')}\nInstall them by hand, then run 'tsplay lab up' again`);
  return pkgs;
}
