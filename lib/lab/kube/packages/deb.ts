// Building one .deb with the real dpkg-deb from a description of its files, cached by content:
// the same description (same control fields, same file contents) gives back the same file.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface DebFile {
  /** absolute path on the installed system */
  path: string;
  mode: number;
  /** the content itself, or a file on this machine to copy */
  text?: string;
  from?: string;
}

export interface DebSpec {
  name: string;
  /** Debian version, `1.16.3-00` */
  version: string;
  section: string;
  depends?: string[];
  description: string;
  files: DebFile[];
  /** empty directories the package owns (`/etc/kubernetes/manifests`) */
  dirs?: string[];
  /** maintainer scripts (DEBIAN/postinst, prerm...) */
  scripts?: Record<string, string>;
}

export const MAINTAINER = 'Kubernetes Authors <kubernetes-dev+release@googlegroups.com>';

/** Path of the .deb for `spec` under `dir`, built with dpkg-deb unless an identical one exists. */
export async function buildDeb(spec: DebSpec, dir: string): Promise<string> {
  const key = await specKey(spec);
  const out = join(dir, `${spec.name}_${spec.version}_amd64.${key}.deb`);
  if (existsSync(out)) return out;
  await mkdir(dir, { recursive: true });
  const stage = await mkdtemp(join(dir, `.stage-${spec.name}-`));
  try {
    let bytes = 0;
    for (const f of spec.files) {
      const dest = join(stage, f.path);
      await mkdir(dirname(dest), { recursive: true });
      if (f.from !== undefined) await copyFile(f.from, dest);
      else await writeFile(dest, f.text ?? '');
      await chmod(dest, f.mode);
      bytes += (await stat(dest)).size;
    }
    for (const d of spec.dirs ?? []) await mkdir(join(stage, d), { recursive: true, mode: 0o755 });
    await mkdir(join(stage, 'DEBIAN'));
    await writeFile(join(stage, 'DEBIAN', 'control'), controlText(spec, Math.ceil(bytes / 1024)));
    // as debhelper does, every file under /etc is a conffile (kept when the admin edited it)
    const conffiles = spec.files.filter((f) => f.path.startsWith('/etc/')).map((f) => f.path);
    if (conffiles.length) await writeFile(join(stage, 'DEBIAN', 'conffiles'), conffiles.join('\n') + '\n');
    for (const [name, text] of Object.entries(spec.scripts ?? {})) {
      await writeFile(join(stage, 'DEBIAN', name), text);
      await chmod(join(stage, 'DEBIAN', name), 0o755);
    }
    const tmp = `${out}.${process.pid}.tmp`;
    // gzip -1: the kubectl binary is large and the repository is rebuilt whenever a double changes
    await exec('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', stage, tmp]);
    await rename(tmp, out);
    return out;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`dpkg-deb could not build ${spec.name} ${spec.version}: ${(err.stderr || err.message).trim()}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

export function controlText(spec: DebSpec, installedKiB: number): string {
  const lines = [
    `Package: ${spec.name}`,
    `Version: ${spec.version}`,
    'Architecture: amd64',
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${installedKiB}`,
    ...(spec.depends?.length ? [`Depends: ${spec.depends.join(', ')}`] : []),
    `Section: ${spec.section}`,
    'Priority: optional',
    'Homepage: https://kubernetes.io',
    `Description: ${spec.description}`,
  ];
  return lines.join('\n') + '\n';
}

/** Hash of everything that ends up in the .deb (copied files by path, size and mtime). */
async function specKey(spec: DebSpec): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ ...spec, files: undefined }));
  for (const f of spec.files) {
    h.update(`\0${f.path}\0${f.mode}\0`);
    if (f.from !== undefined) {
      const s = await stat(f.from);
      h.update(`${f.from}\0${s.size}\0${s.mtimeMs}`);
    } else h.update(f.text ?? '');
  }
  return h.digest('hex').slice(0, 12);
}
