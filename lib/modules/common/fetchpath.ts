// Where fetch writes on the controller, and the checks that keep it inside the dest the task
// named (Ansible's CVE-2019-3828): the host name and the remote path come from the inventory and
// the host, and neither may steer a write elsewhere.
import { lstatSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { hostNameProblem, HOST_NAME_FIX } from '../../inventory/hostname.js';
import { ModuleFailure } from '../types.js';

export interface FetchPathArgs {
  src: string;
  dest: string;
  flat?: boolean;
}

function inside(base: string, p: string): boolean {
  const rel = relative(base, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep);
}

/**
 * The local file for `args` on `host`, and the directory the user named (`root`, undefined for
 * flat with a file dest: the user named that file), which the file must stay inside.
 */
export function fetchDestination(args: FetchPathArgs, host: string): { file: string; root?: string } {
  if (args.flat) {
    if (!args.dest.endsWith('/')) {
      if (isDir(args.dest)) {
        throw new ModuleFailure(`fetch: dest ${args.dest} is an existing directory; end it with '/' to fetch into that directory, or name a file`);
      }
      return { file: args.dest };
    }
    const base = resolve(args.dest);
    const file = join(base, basename(args.src));
    if (!inside(base, file)) {
      throw new ModuleFailure(`fetch: src ${args.src} has no file name to fetch into ${args.dest}; name a file in src, or give dest as a file`);
    }
    return { file, root: base };
  }
  const problem = hostNameProblem(host);
  if (problem) throw new ModuleFailure(`fetch: inventory host name '${host}' ${problem}; ${HOST_NAME_FIX}`);
  const root = resolve(args.dest);
  const base = join(root, host);
  const file = join(base, args.src);
  // inside dest/<host>, not just dest: one host's src must not overwrite another host's files
  if (!inside(base, file)) {
    throw new ModuleFailure(`fetch: ${host}:${args.src} would be written to ${file}, outside ${base}; remove the '..' from src, or use flat: true with a dest file`);
  }
  return { file, root };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fails when a directory below `root` on the way to `file` is a symlink: mkdir and rename would
 * follow it out of dest (a link planted at dest/<host>, say). `root` itself is the user's choice
 * and may be a link; `file` may be one too: rename replaces it, never writes through it.
 */
export function refuseLinksBelow(root: string | undefined, file: string): void {
  if (!root) return;
  for (let d = dirname(file); inside(root, d); d = dirname(d)) {
    let link = false;
    try {
      link = lstatSync(d).isSymbolicLink();
    } catch {
      /* not there yet: mkdir creates a real directory */
    }
    if (link) throw new ModuleFailure(`fetch: ${d} is a symbolic link; fetch does not write through links below ${root}; remove the link or fetch to another dest`);
  }
}
