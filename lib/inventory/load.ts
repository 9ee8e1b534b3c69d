// loadInventory(): read every source into one model, like Ansible's InventoryManager. A source is
// a file (INI, YAML/JSON, or typed .ts), a directory (every inventory file in it, sorted, skipping
// what Ansible skips), or a 'h1,h2,' host list. Then reconcile, then group_vars/ and host_vars/.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { importUserModule } from '../util/usercode.js';
import { userFrame } from '../util/userframe.js';
import { atLine, InventoryError, invError } from './errors.js';
import { parseIni } from './ini.js';
import { addHost, emptyInventory, reconcile, type Inventory } from './model.js';
import { parseAddress } from './ranges.js';
import { loadTsSpec } from './ts.js';
import { loadVarDirs } from './vardirs.js';
import { parseYamlInventory } from './yaml.js';
import { isMap } from 'yaml';
import { parseYaml } from './yamlfile.js';
import { NO_VAULT, openVaultFile } from '../vault/file.js';
import type { VaultKeyring } from '../vault/keyring.js';

export interface LoadOptions {
  /** Vault passwords for encrypted inventory files, group_vars/host_vars and inline !vault values. */
  vault?: VaultKeyring;
}

// what Ansible skips inside an inventory directory (IGNORED_ALWAYS + INVENTORY_IGNORE_EXTS);
// note that .ini files are among them, exactly as in Ansible
const IGNORED_NAMES = [/^\./, /^host_vars$/, /^group_vars$/, /^vars_plugins$/];
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];
const TS_EXTS = ['.ts', '.mts'];

function ignoredInDir(name: string): boolean {
  return IGNORED_NAMES.some((re) => re.test(name)) || IGNORED_EXTS.some((e) => name.endsWith(e));
}

function parseHostList(inv: Inventory, list: string): void {
  for (const raw of list.split(',')) {
    const h = raw.trim();
    if (!h) continue;
    // no ranges here: a name with [..] is taken literally, as Ansible's host_list plugin does
    const addr = parseAddress(h);
    const parsed = addr && !addr.host.includes('[') ? addr : null;
    const name = parsed ? parsed.host : h;
    if (!inv.hosts.has(name)) atLine({ file: `host list '${list}'` }, h, () => addHost(inv, name, 'host list', 'ungrouped', parsed?.port));
  }
}

async function parseFile(inv: Inventory, file: string, vault: VaultKeyring): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (TS_EXTS.includes(ext)) {
    let mod: { default?: unknown };
    try {
      mod = await importUserModule(file);
    } catch (e) {
      const where = userFrame(e);
      throw invError({ file }, `cannot load the TypeScript inventory: ${(e as Error).message.split('\n')[0]}${where ? ` (thrown at ${where})` : ''}`, undefined, 'fix the module so it compiles and exports defineInventory({...}) as default');
    }
    loadTsSpec(inv, file, mod.default);
    return;
  }
  if (ext === '.toml') {
    throw invError({ file }, 'TOML inventories are not supported', undefined, 'convert it to INI or YAML');
  }
  const { text, encrypted } = openVaultFile(file, await fs.readFile(file, 'utf8'), vault);
  const yaml = YAML_EXTS.includes(ext) || (!ext && looksLikeYamlInventory(file, text));
  if (yaml) {
    // Ansible tries its YAML plugin before the INI one on extension-less files
    parseYamlInventory(inv, file, text, vault, encrypted);
    return;
  }
  if (encrypted) {
    // an INI line's values cannot all be known to be secrets here, so none would be masked
    throw invError({ file }, 'a vault-encrypted INI inventory is not read', undefined, 'keep the hosts in plain INI and the secrets in vault-encrypted group_vars/ or host_vars/ files, or use a YAML inventory');
  }
  parseIni(inv, file, text);
}

function looksLikeYamlInventory(file: string, text: string): boolean {
  try {
    const src = parseYaml(file, text, NO_VAULT, { inline: false });
    return isMap(src.doc.contents) && src.doc.contents.items.length > 0;
  } catch {
    return false;
  }
}

async function parseSource(inv: Inventory, source: string, vault: VaultKeyring): Promise<void> {
  let st;
  try {
    st = await fs.stat(source);
  } catch {
    throw new InventoryError(`${source}: inventory source not found; check the path given with -i`, { file: source });
  }
  if (st.isDirectory()) {
    for (const name of (await fs.readdir(source)).sort()) {
      if (ignoredInDir(name)) continue;
      await parseSource(inv, path.join(source, name), vault);
    }
    return;
  }
  await parseFile(inv, source, vault);
}

/** Read inventory sources (files, directories, 'h1,h2,' lists) into one inventory. */
export async function loadInventory(sources: string[], opts: LoadOptions = {}): Promise<Inventory> {
  const vault = opts.vault ?? NO_VAULT;
  const inv = emptyInventory(sources);
  for (const source of sources) {
    if (!source) continue;
    if (source.includes(',') && !existsSync(source)) parseHostList(inv, source);
    else await parseSource(inv, source, vault);
  }
  reconcile(inv);
  await loadVarDirs(inv, sources, vault);
  // ansible-playbook's own words for an inventory without hosts
  if (inv.hosts.size === 0) inv.warnings.push("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'");
  return inv;
}
