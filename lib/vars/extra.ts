// -e / --extra-vars, parsed the way ansible-playbook does (utils/vars.py load_extra_vars):
//   "k=v k2='v 2'"  key=value pairs; values stay STRINGS ("5" is the string "5")
//   "@vars.yml"      a YAML or JSON file (relative to cwd)
//   '{"k": 1}'       a JSON or YAML flow mapping, typed
// Later -e arguments replace earlier keys. Anything else is an ExtraVarsError saying what to do.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseYaml, PY_YAML_OPTIONS } from '../template/yaml-load.js';
import { NO_VAULT, openVaultFile, registerLeaves } from '../vault/file.js';
import type { VaultKeyring } from '../vault/keyring.js';
import { decryptVaultScalars, vaultTag } from '../vault/yaml.js';
import type { Vars } from '../template/types.js';
import { UserError } from '../util/errors.js';
import { aliasBombError, duplicateKeyWarnings, isAliasBomb, refuseUnknownTags, YAML_ALIAS_LIMIT } from '../inventory/yamlcheck.js';

export class ExtraVarsError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ExtraVarsError';
  }
}

const isMapping = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Python-style escapes in -e values, as Ansible's _decode_escapes does (\n, \t, \xHH, \uHHHH,
 * \UHHHHHHHH): octal escapes are not among them and stay as written (\N{NAME} is not decoded).
 */
function decodeEscapes(s: string): string {
  const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : simple[e]!,
  );
}

/** Splits on whitespace outside quotes and outside {{ }} / {% %}, keeping quotes in tokens. */
function splitArgs(text: string, where: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let jinja = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (!quote && (two === '{{' || two === '{%')) { jinja++; cur += two; i++; continue; }
    if (!quote && jinja > 0 && (two === '}}' || two === '%}')) { jinja--; cur += two; i++; continue; }
    if (c === '\\' && i + 1 < text.length) { cur += c + text[i + 1]; i++; continue; }
    if (quote) {
      if (c === quote) quote = null;
      cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (/\s/.test(c) && jinja === 0) {
      if (cur) tokens.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quote) throw new ExtraVarsError(`${where}: unterminated ${quote} quote; quote the whole value, e.g. -e "name='a b'"`);
  if (cur) tokens.push(cur);
  return tokens;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

function parseKv(text: string, where: string): Vars {
  const out: Vars = {};
  for (const raw of splitArgs(text, where)) {
    const tok = decodeEscapes(raw);
    let pos = -1;
    for (let i = 1; i < tok.length; i++) if (tok[i] === '=' && tok[i - 1] !== '\\') { pos = i; break; }
    if (pos < 0) {
      throw new ExtraVarsError(`${where}: '${raw}' is not key=value; use key=value pairs, @file.yml, or a JSON/YAML dict`);
    }
    const key = tok.slice(0, pos).trim();
    if (!/^[A-Za-z_][\w]*$/.test(key)) throw new ExtraVarsError(`${where}: '${key}' is not a valid variable name`);
    out[key] = unquote(tok.slice(pos + 1).trim());
  }
  return out;
}

/** A vars file's YAML with its inline `!vault` values decrypted. */
function parseVarsYaml(text: string, file: string, vault: VaultKeyring, warnings: string[]): unknown {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { ...PY_YAML_OPTIONS, uniqueKeys: false, lineCounter: lines, customTags: (tags: YAML.Tags) => [vaultTag, ...PY_YAML_OPTIONS.customTags(tags)] });
  if (doc.errors.length) throw doc.errors[0];
  // what Ansible's loader refuses (!!python/object) or warns about (a key written twice)
  refuseUnknownTags(doc, lines, file);
  warnings.push(...duplicateKeyWarnings(doc, lines, file));
  decryptVaultScalars(doc, lines, file, vault);
  try {
    return doc.toJS({ maxAliasCount: YAML_ALIAS_LIMIT });
  } catch (e) {
    throw isAliasBomb(e) ? aliasBombError(file) : e;
  }
}

function loadFile(spec: string, cwd: string, where: string, vault: VaultKeyring, warnings: string[]): Vars {
  const rel = spec.slice(1);
  if (!rel) throw new ExtraVarsError(`${where}: '@' must be followed by a file name, e.g. -e @vars.yml`);
  const file = path.resolve(cwd, rel);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExtraVarsError(`${where}: ${code === 'ENOENT' ? 'file not found' : 'cannot read file'}: ${file}`);
  }
  const opened = openVaultFile(file, text, vault);
  let data: unknown;
  try {
    data = parseVarsYaml(opened.text, file, vault, warnings);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as Error & { linePos?: { line: number }[] };
    const line = err.linePos?.[0]?.line;
    throw new ExtraVarsError(`${where}: ${file}${line ? `:${line}` : ''}: invalid YAML/JSON: ${err.message.split('\n')[0]}`);
  }
  // ansible-playbook refuses an empty file too ("could not be made into a dictionary")
  if (data === null || data === undefined) throw new ExtraVarsError(`${where}: ${file} is empty: Ansible refuses it too ("'@${rel}' could not be made into a dictionary"); put name: value lines in it or drop the -e`);
  if (!isMapping(data)) throw new ExtraVarsError(`${where}: ${file} must hold a mapping of variable names to values, not a ${Array.isArray(data) ? 'list' : typeof data}`);
  if (opened.encrypted) registerLeaves(data);
  return data;
}

function parseOne(arg: string, cwd: string, index: number, vault: VaultKeyring, warnings: string[]): Vars {
  const where = `-e #${index + 1}`;
  const text = arg.trim();
  if (!text) return {};
  if (text.startsWith('@')) return loadFile(text, cwd, where, vault, warnings);
  if (text.startsWith('/') || text.startsWith('.')) {
    throw new ExtraVarsError(`${where}: '${text}' looks like a file name; prefix it with @ (-e @${text})`);
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (e) {
      throw new ExtraVarsError(`${where}: invalid JSON/YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isMapping(data)) throw new ExtraVarsError(`${where}: '${text}' must be a dict ({"name": value}), not a list`);
    return data;
  }
  return parseKv(text, where);
}

/**
 * `vault` decrypts `-e @file` files that are vault data or hold inline `!vault` values;
 * `warnings` receives Ansible's warnings about the files (a duplicate key), with file:line:col.
 */
export function parseExtraVars(args: string[], cwd: string, vault: VaultKeyring = NO_VAULT, warnings: string[] = []): Vars {
  // combine_vars with hash_behaviour=replace: later -e replaces top-level keys
  return args.reduce<Vars>((acc, a, i) => ({ ...acc, ...parseOne(a, cwd, i, vault, warnings) }), {});
}
