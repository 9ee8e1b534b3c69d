// What Ansible's YAML loader refuses or warns about, found on a parsed document so every YAML
// reader (inventories, group_vars/host_vars, -e @file) says the same thing with file:line.
import { isAlias, isMap, isScalar, visit, type Document, type LineCounter } from 'yaml';
import { InventoryError } from './errors.js';

/**
 * How many nodes aliases may expand to (yaml's maxAliasCount). A "billion laughs" document, a
 * few lines of aliases of aliases, would otherwise take seconds of CPU and gigabytes; real
 * inventories and vars files use a handful of anchors.
 */
export const YAML_ALIAS_LIMIT = 10_000;

/** `file:line:col: ` of an offset. */
function at(file: string, lines: LineCounter, offset: number): string {
  const p = lines.linePos(offset);
  return `${file}:${p.line}:${p.col}`;
}

/**
 * A tag Ansible's safe loader has no constructor for (`!!python/object:...`, `!foo`) is refused,
 * as ansible-playbook does ("could not determine a constructor for the tag"); `!vault` and the
 * standard tags are known to the parser and never reach here.
 */
export function refuseUnknownTags(doc: Document, lines: LineCounter, file: string): void {
  // a misplaced !vault (on a mapping) has its own, clearer error in the vault reader
  const w = doc.warnings.find((x) => x.code === 'TAG_RESOLVE_FAILED' && !/Unresolved tag: !vault\b/.test(x.message));
  if (!w) return;
  const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'unknown';
  throw new InventoryError(`${at(file, lines, w.pos[0])}: YAML tag '${tag}' is not allowed: Ansible's safe loader has no constructor for it and neither has tsplay (no Python objects are built from data); write the value as plain YAML`, { file, line: lines.linePos(w.pos[0]).line });
}

/**
 * Ansible's warning for a key written twice in one mapping (the last value wins), with its
 * file:line:col, in Ansible's words.
 */
export function duplicateKeyWarnings(doc: Document, lines: LineCounter, file: string): string[] {
  const out: string[] = [];
  visit(doc, {
    Map(_k, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key === undefined || isAlias(pair.key) || isMap(pair.key)) continue;
        if (seen.has(key)) {
          const start = map.range?.[0] ?? 0;
          out.push(`While constructing a mapping from ${at(file, lines, start)}, found a duplicate dict key (${String(key)}) at line ${lines.linePos((pair.key as { range?: [number, number, number] }).range?.[0] ?? start).line}. Using last defined value only.`);
        }
        seen.add(key);
      }
    },
  });
  return out;
}

/** True when the error is yaml's alias limit (toJS's "Excessive alias count"). */
export function isAliasBomb(e: unknown): boolean {
  return e instanceof ReferenceError && /alias count/i.test(e.message);
}

/** The located error for a document whose aliases expand past YAML_ALIAS_LIMIT. */
export function aliasBombError(file: string): InventoryError {
  return new InventoryError(`${file}: YAML aliases expand to more than ${YAML_ALIAS_LIMIT} nodes (a "billion laughs" document?); tsplay limits alias expansion so a file cannot exhaust memory: write the values out or use fewer nested aliases`, { file });
}
