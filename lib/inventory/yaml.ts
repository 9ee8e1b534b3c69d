// Ansible's YAML inventory format (plugins/inventory/yaml.py): top-level keys are groups, each
// with optional `hosts`, `vars` and `children` (groups again, nested to any depth), processed in
// the order they are written. JSON files use the same shape.
import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { atLine, invError } from './errors.js';
import { checkHostEntry, checkVar } from './hostentry.js';
import { addChild, addGroup, addHost, setGroupVar, type Inventory } from './model.js';
import { lineOf, parseYaml, yamlToJs, type YamlSource } from './yamlfile.js';
import { NO_VAULT, registerLeaves } from '../vault/file.js';
import type { VaultKeyring } from '../vault/keyring.js';

const SECTIONS = ['vars', 'children', 'hosts'];

/** `encrypted`: the caller decrypted the whole file, so every value in it is a secret. */
export function parseYamlInventory(inv: Inventory, file: string, text: string, vault: VaultKeyring = NO_VAULT, encrypted = false): void {
  const src = parseYaml(file, text, vault);
  const root = src.doc.contents;
  inv.warnings.push(...src.warnings);
  const data = yamlToJs(src, file);
  if (src.encrypted || encrypted) registerLeaves(data);
  if (data === null || data === undefined || (typeof data === 'object' && Object.keys(data as object).length === 0)) {
    throw invError({ file }, 'empty YAML inventory', undefined, 'add groups, e.g. "all: {hosts: {k1-node01: {}}}"');
  }
  if (!isMap(root)) {
    throw invError({ file, line: lineOf(src, root) }, 'YAML inventory must be a mapping of group names', undefined, 'start with "all:" and nest hosts, vars and children under it');
  }
  if ((data as Record<string, unknown>).plugin) {
    throw invError({ file }, 'this is an inventory plugin configuration, not a YAML inventory', 'plugin', 'tsplay reads static inventories only; list the hosts instead');
  }
  for (const pair of root.items) parseGroup(inv, src, file, pair);
}

function keyText(src: YamlSource, file: string, pair: Pair, what: string): string {
  const k = isScalar(pair.key) ? pair.key.value : pair.key;
  if (typeof k !== 'string') {
    throw invError({ file, line: lineOf(src, pair.key) }, `${what} must be a string, got ${JSON.stringify(k)}`, String(k), 'enclose it in quotation marks');
  }
  return k;
}

/** A section value that may be written as a single string (`hosts: k1-node01`) or a mapping. */
function sectionItems(src: YamlSource, file: string, group: string, section: string, pair: Pair): Array<{ key: string; value: unknown; node: unknown }> {
  const v = pair.value;
  if (v === null || (isScalar(v) && v.value === null)) return [];
  if (isScalar(v) && typeof v.value === 'string') return [{ key: v.value, value: null, node: v }];
  if (!isMap(v)) {
    throw invError({ file, line: lineOf(src, v) }, `"${section}" of group '${group}' must be a mapping`, undefined,
      `write it as "${section}:" followed by indented "name:" entries${section === 'hosts' ? ' (a list is not accepted)' : ''}`);
  }
  return (v as YAMLMap).items.map((p) => ({ key: keyText(src, file, p as Pair, section === 'vars' ? 'variable name' : section === 'hosts' ? `host pattern` : 'group name'), value: (p as Pair).value, node: (p as Pair).key }));
}

function toJs(src: YamlSource, node: unknown, file: string): unknown {
  return yamlToJs(src, file, node);
}

function parseGroup(inv: Inventory, src: YamlSource, file: string, pair: Pair): string {
  const name = keyText(src, file, pair, 'group name');
  const line = lineOf(src, pair.key);
  const guard = <T>(fn: () => T, text: string, at = line): T => atLine({ file, line: at }, text, fn);
  const value = pair.value;
  const isNull = value === null || (isScalar(value) && value.value === null);
  if (!isNull && !isMap(value)) {
    // Ansible warns and skips; a group that silently disappears is worse than stopping here
    throw invError({ file, line }, `group '${name}' is not a mapping`, name, 'give it "hosts:", "vars:" and/or "children:" keys, or leave it empty');
  }
  guard(() => addGroup(inv, name), name);
  if (isNull) return name;
  for (const item of (value as YAMLMap).items) {
    const p = item as Pair;
    const key = keyText(src, file, p, 'key');
    if (!SECTIONS.includes(key)) {
      // Ansible warns and skips it: almost always a typo ("host:") that drops hosts
      throw invError({ file, line: lineOf(src, p.key) }, `unexpected key '${key}' in group '${name}'`, key, 'only "hosts", "vars" and "children" are valid here');
    }
    const entries = sectionItems(src, file, name, key, p);
    for (const e of entries) {
      const at = lineOf(src, e.node) ?? line;
      if (key === 'vars') {
        const g = inv.groups.get(name);
        const value = toJs(src, e.value, file);
        guard(() => checkVar(e.key, value), e.key, at);
        if (g) guard(() => setGroupVar(g, e.key, value), e.key, at);
      } else if (key === 'children') {
        const child = parseGroup(inv, src, file, { key: e.node, value: e.value } as Pair);
        guard(() => addChild(inv, name, child), child, at);
      } else {
        const entry = guard(() => checkHostEntry(e.key), e.key, at);
        const vars = toJs(src, e.value, file) ?? {};
        if (typeof vars !== 'object' || Array.isArray(vars)) {
          throw invError({ file, line: at }, `variables of host '${e.key}' must be a mapping`, e.key, 'write them as indented "name: value" lines under the host');
        }
        for (const [k, v] of Object.entries(vars as Record<string, unknown>)) guard(() => checkVar(k, v), `${k}: ${JSON.stringify(v)}`, at);
        for (const h of entry.hosts) {
          const host = guard(() => addHost(inv, h, `${file}:${at}`, name, entry.port), e.key, at);
          for (const [k, v] of Object.entries(vars as Record<string, unknown>)) host.vars[k] = v;
        }
      }
    }
  }
  return name;
}
