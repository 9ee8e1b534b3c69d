// What "running a container image" means in the lab, where there is no container runtime: the
// image names a program that runs directly on the host (README "Test doubles").
//   kube-apiserver / kube-controller-manager / kube-scheduler → the doubles' bundles shipped in the
//     kubelet package, run by /usr/bin/node at the image tag's version;
//   etcd, haproxy, nginx → the host's real binaries;
//   anything else → its command when that is a program on the host, otherwise a placeholder.
// Paths inside the container that come from hostPath volumes are mapped back to the host paths.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { etcdArgs } from '../common/labnet.js';

/** packages/bundle.ts VERSION_ENV: the bundles' entry reads their version from it (not imported: that module pulls in esbuild). */
const VERSION_ENV = 'TSPLAY_KUBE_VERSION';

export const IMAGES_DIR = '/usr/lib/kubelet-double/images';
export const DOUBLE_IMAGES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface ImageRef {
  /** last path segment of the repository: `kube-apiserver` */
  name: string;
  /** `v1.16.3`, `latest` when none */
  tag: string;
}

export function parseImage(image: string): ImageRef {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const last = noDigest.slice(slash + 1);
  const colon = last.indexOf(':');
  return colon < 0 ? { name: last, tag: 'latest' } : { name: last.slice(0, colon), tag: last.slice(colon + 1) };
}

export interface MountMap {
  /** container path → host path (hostPath volumes) */
  [containerPath: string]: string;
}

export interface ExecPlan {
  file: string;
  /** argv[0] as the container's process shows it (`etcd`, not `/usr/bin/etcd`) */
  argv0?: string;
  args: string[];
  env: Record<string, string>;
  /** what the log says about how the image runs */
  how: string;
}

/** The image's entrypoint when the pod gives no command (Docker Hub's official images). */
const ENTRYPOINTS: Record<string, string[]> = {
  etcd: ['etcd'],
  haproxy: ['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg'],
  nginx: ['nginx', '-g', 'daemon off;'],
};

const HOST_BINARIES: Record<string, string> = { etcd: '/usr/bin/etcd', haproxy: '/usr/sbin/haproxy', nginx: '/usr/sbin/nginx' };

export function mapPath(arg: string, mounts: MountMap): string {
  // longest mount path first, on path boundaries, also inside `--flag=/path` arguments
  const keys = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const eq = arg.indexOf('=');
  const [prefix, value] = arg.startsWith('-') && eq > 0 ? [arg.slice(0, eq + 1), arg.slice(eq + 1)] : ['', arg];
  for (const k of keys) {
    // a mountPath may end in '/' (haproxy's `/usr/local/etc/haproxy/`): compare and join without it
    const dir = k.length > 1 ? k.replace(/\/+$/, '') : k;
    const host = mounts[k]!.length > 1 ? mounts[k]!.replace(/\/+$/, '') : mounts[k]!;
    if (value === dir || value === k) return prefix + host;
    if (value.startsWith(dir.endsWith('/') ? dir : dir + '/')) return prefix + host + value.slice(dir.length);
  }
  return arg;
}

function onPath(file: string, pathEnv: string): string | null {
  const candidates = file.includes('/') ? [file] : pathEnv.split(delimiter).filter(Boolean).map((d) => join(d, file));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

export function planExec(image: string, command: string[], args: string[], env: Record<string, string>, mounts: MountMap): ExecPlan {
  const ref = parseImage(image);
  const map = (a: string): string => mapPath(a, mounts);
  if ((DOUBLE_IMAGES as readonly string[]).includes(ref.name)) {
    // command[0] is the program's name inside the image; the rest are its flags
    const rest = [...command.slice(1), ...args];
    return {
      file: '/usr/bin/node',
      args: [join(IMAGES_DIR, `${ref.name}.mjs`), ...rest.map(map)],
      env: { ...env, [VERSION_ENV]: ref.tag.replace(/^v/, '') },
      how: `double ${ref.name} ${ref.tag}`,
    };
  }
  const full = command.length ? [...command, ...args] : [...(ENTRYPOINTS[ref.name] ?? []), ...args];
  const host = HOST_BINARIES[ref.name];
  if (host && full.length) {
    const args = full.slice(1).map(map);
    // no network namespace per lab host: etcd's loopback/wildcard listeners go to the host's address
    return { file: host, argv0: full[0], args: ref.name === 'etcd' ? etcdArgs(args) : args, env, how: `host ${host}` };
  }
  if (full.length) {
    const file = onPath(map(full[0]!), env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    if (file) return { file, argv0: full[0], args: full.slice(1).map(map), env, how: `host ${file}` };
  }
  // no program for this image on the host: a process that only keeps the container "running"
  return { file: '/usr/bin/sleep', args: ['infinity'], env, how: 'placeholder (sleep infinity)' };
}
