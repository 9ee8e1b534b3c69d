// Reading YAML the way Ansible's loader does: YAML 1.1 (yes/no are booleans, 0644 is octal 420),
// duplicate keys allowed (last wins), dates kept as text (Ansible keeps a date object that prints
// the same). JSON files go through the same reader, as in Ansible.
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { invError } from './errors.js';

export interface YamlSource {
  doc: Document;
  lines: LineCounter;
}

export function parseYaml(file: string, text: string): YamlSource {
  if (text.startsWith('$ANSIBLE_VAULT')) {
    throw invError({ file, line: 1 }, 'vault-encrypted file', '$ANSIBLE_VAULT', 'tsplay does not read Ansible Vault files; decrypt it or keep secrets elsewhere');
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const err = doc.errors[0];
  if (err) {
    const line = lines.linePos(err.pos[0]).line;
    const textLine = text.split(/\r?\n/)[line - 1]?.trim();
    throw invError({ file, line }, `invalid YAML: ${err.message.split('\n')[0]}`, textLine, 'fix the YAML syntax at that line');
  }
  return { doc, lines };
}

/** 1-based line where a node starts, if known. */
export function lineOf(src: YamlSource, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? src.lines.linePos(range[0]).line : undefined;
}

/** Plain JS value of a YAML file meant to hold variables (group_vars/, host_vars/). */
export function loadVarsText(file: string, text: string): Record<string, unknown> {
  const trimmed = text.trim();
  let data: unknown;
  if (trimmed.startsWith('{')) {
    try {
      data = JSON.parse(trimmed);
    } catch {
      data = undefined;
    }
  }
  if (data === undefined) {
    const src = parseYaml(file, text);
    data = src.doc.toJS({ maxAliasCount: -1 });
    if (data !== null && data !== undefined && !isMap(src.doc.contents) && !isScalar(src.doc.contents)) {
      throw invError({ file, line: lineOf(src, src.doc.contents) }, 'variables file must hold a mapping of names to values', undefined, 'write it as `name: value` lines');
    }
  }
  if (data === null || data === undefined || data === '' || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data as object).length === 0)) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw invError({ file }, 'variables file must hold a mapping of names to values', String(data).slice(0, 60), 'write it as `name: value` lines');
  }
  return data as Record<string, unknown>;
}
