// group_vars/ and host_vars/ beside each inventory source (Ansible's host_group_vars plugin):
// for an entity NAME the first of NAME (a file, or a directory whose files are merged in sorted
// order, recursing into subdirectories), NAME.yml, NAME.yaml, NAME.json is used — only one.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Inventory, Vars } from './model.js';
import { loadVarsText } from './yamlfile.js';
import { NO_VAULT } from '../vault/file.js';
import type { VaultKeyring } from '../vault/keyring.js';

const EXTS = ['', '.yml', '.yaml', '.json'];

async function stat(p: string): Promise<import('node:fs').Stats | null> {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

async function dirFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue; // hidden files and editor backups
    const full = path.join(dir, name);
    const ext = path.extname(name);
    const st = await stat(full);
    if (st?.isDirectory() && !ext) out.push(...(await dirFiles(full)));
    else if (st?.isFile() && (!ext || EXTS.includes(ext))) out.push(full);
  }
  return out;
}

/** The files that hold vars for `name` under `dir` (group_vars or host_vars), in merge order. */
export async function findVarsFiles(dir: string, name: string): Promise<string[]> {
  const base = path.join(dir, name);
  for (const ext of EXTS) {
    const st = await stat(base + ext);
    if (!st) continue;
    return st.isDirectory() ? dirFiles(base + ext) : [base + ext];
  }
  return [];
}

export async function loadVarsFor(dir: string, name: string, vault: VaultKeyring = NO_VAULT, warnings: string[] = []): Promise<Vars> {
  let data: Vars = {};
  if (name.startsWith('/')) return data; // chroot-style names are never looked up, like Ansible
  for (const f of await findVarsFiles(dir, name)) {
    data = { ...data, ...loadVarsText(f, await fs.readFile(f, 'utf8'), vault, warnings) };
  }
  return data;
}

/** The directory whose group_vars/ and host_vars/ belong to a source (none for host lists). */
export async function varsBaseDir(source: string): Promise<string | null> {
  const st = await stat(source);
  if (!st) return null;
  return st.isDirectory() ? source : path.dirname(source);
}

/** Fill fileVars / fileVarsBySource of every group and host from every source's directories. */
export async function loadVarDirs(inv: Inventory, sources: string[], vault: VaultKeyring = NO_VAULT): Promise<void> {
  for (const source of sources) {
    const base = await varsBaseDir(source);
    if (!base) continue;
    const gdir = path.join(base, 'group_vars');
    const hdir = path.join(base, 'host_vars');
    const gst = await stat(gdir);
    const hst = await stat(hdir);
    for (const g of inv.groups.values()) {
      const v = gst?.isDirectory() ? await loadVarsFor(gdir, g.name, vault, inv.warnings) : {};
      g.fileVarsBySource.push(v);
      g.fileVars = { ...g.fileVars, ...v };
    }
    for (const h of inv.hosts.values()) {
      const v = hst?.isDirectory() ? await loadVarsFor(hdir, h.name, vault, inv.warnings) : {};
      h.fileVarsBySource.push(v);
      h.fileVars = { ...h.fileVars, ...v };
    }
  }
}
