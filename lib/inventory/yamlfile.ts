// Reading YAML the way Ansible's loader does: YAML 1.1 (yes/no are booleans, 0644 is octal 420),
// duplicate keys allowed (last wins), dates kept as text (Ansible keeps a date object that prints
// the same). JSON files go through the same reader, as in Ansible.
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { PY_YAML_OPTIONS } from '../template/yaml-load.js';
import { invError } from './errors.js';
import { aliasBombError, duplicateKeyWarnings, isAliasBomb, refuseUnknownTags, YAML_ALIAS_LIMIT } from './yamlcheck.js';
import { decryptJsonVaults, NO_VAULT, openVaultFile, registerLeaves } from '../vault/file.js';
import type { VaultKeyring } from '../vault/keyring.js';
import { decryptVaultScalars, vaultTag } from '../vault/yaml.js';

export interface YamlSource {
  doc: Document;
  lines: LineCounter;
  /** Ansible's warnings for this file (duplicate keys), each with file:line */
  warnings: string[];
}

/**
 * Parses `text` (decrypted first when the whole file is vault data) and decrypts its inline
 * `!vault` values with `vault`. `encrypted` says the whole file was: its values are all secrets.
 */
export function parseYaml(file: string, raw: string, vault: VaultKeyring = NO_VAULT, opts: { inline?: boolean } = {}): YamlSource & { encrypted: boolean } {
  const { text, encrypted } = openVaultFile(file, raw, vault);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
    // PyYAML's booleans (a lone y or n stays a string), and timestamps stay text
    customTags: (tags) => [vaultTag, ...PY_YAML_OPTIONS.customTags(tags).filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp')],
  });
  const err = doc.errors[0];
  if (err) {
    const line = lines.linePos(err.pos[0]).line;
    const textLine = text.split(/\r?\n/)[line - 1]?.trim();
    // a decrypted file's line is not quoted: it may hold a secret
    throw invError({ file, line }, `invalid YAML: ${err.message.split('\n')[0]}`, encrypted ? undefined : textLine, 'fix the YAML syntax at that line');
  }
  refuseUnknownTags(doc, lines, file);
  // a format probe (is this extension-less file YAML?) leaves !vault values for the real parse
  if (opts.inline !== false) decryptVaultScalars(doc, lines, file, vault);
  return { doc, lines, encrypted, warnings: duplicateKeyWarnings(doc, lines, file) };
}

/** The document's plain JS value, its aliases expanded up to YAML_ALIAS_LIMIT nodes. */
export function yamlToJs(src: YamlSource, file: string, node: unknown = src.doc): unknown {
  if (node === null || node === undefined) return null;
  const n = node as { toJS?: (doc: unknown, opts: unknown) => unknown };
  if (typeof n.toJS !== 'function') return node;
  try {
    return node === src.doc ? src.doc.toJS({ maxAliasCount: YAML_ALIAS_LIMIT }) : n.toJS(src.doc, { maxAliasCount: YAML_ALIAS_LIMIT });
  } catch (e) {
    if (isAliasBomb(e)) throw aliasBombError(file);
    throw e;
  }
}

/** 1-based line where a node starts, if known. */
export function lineOf(src: YamlSource, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? src.lines.linePos(range[0]).line : undefined;
}

/** Plain JS value of a YAML file meant to hold variables (group_vars/, host_vars/). */
export function loadVarsText(file: string, raw: string, vault: VaultKeyring = NO_VAULT, warnings: string[] = []): Record<string, unknown> {
  const { text, encrypted } = openVaultFile(file, raw, vault);
  const data = varsOf(file, text, vault, encrypted, warnings);
  if (encrypted) registerLeaves(data);
  return data;
}

function varsOf(file: string, text: string, vault: VaultKeyring, encrypted: boolean, warnings: string[]): Record<string, unknown> {
  const trimmed = text.trim();
  let data: unknown;
  if (trimmed.startsWith('{')) {
    try {
      data = JSON.parse(trimmed);
    } catch {
      data = undefined;
    }
    if (data !== undefined) data = decryptJsonVaults(data, file, vault);
  }
  if (data === undefined) {
    const src = parseYaml(file, text, vault);
    warnings.push(...src.warnings);
    data = yamlToJs(src, file);
    if (data !== null && data !== undefined && !isMap(src.doc.contents) && !isScalar(src.doc.contents)) {
      throw invError({ file, line: lineOf(src, src.doc.contents) }, 'variables file must hold a mapping of names to values', undefined, 'write it as `name: value` lines');
    }
  }
  if (data === null || data === undefined || data === '' || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data as object).length === 0)) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw invError({ file }, 'variables file must hold a mapping of names to values', encrypted ? undefined : String(data).slice(0, 60), 'write it as `name: value` lines');
  }
  return data as Record<string, unknown>;
}
