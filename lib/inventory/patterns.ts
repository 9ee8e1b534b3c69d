// Ansible's host pattern language (inventory/manager.py), for play `hosts:` and `--limit`:
// terms split on ',' (or ':' when the whole thing is not a host address), then evaluated as
// all plain terms (union, in order) -> every '&' term (intersection) -> every '!' term (exclusion),
// whatever order they were written in. A term is a host name, a group name, a glob, a '~regex'
// (matched from the start of the name), optionally with a subscript [i], [-i], [a:b] (inclusive),
// [a:] or [:b]... as Ansible reads them.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PatternError } from './errors.js';
import type { Inventory } from './model.js';
import { groupHosts } from './query.js';
import { expandHostnameRange, parseAddress, RangeTooLarge } from './ranges.js';

/** Names Ansible treats as the implicit localhost when the inventory does not list them. */
export const LOCALHOST = ['127.0.0.1', 'localhost', '::1'];
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

export interface SelectOptions {
  /** --limit pattern, applied after the play pattern */
  limit?: string;
  /** base for '@file' terms (default: process.cwd()) */
  cwd?: string;
}

export interface Selection {
  hosts: string[];
  /** "Could not match supplied host pattern, ignoring: X" and similar notices */
  warnings: string[];
}

/** split_host_pattern(): the terms of a pattern string (or list of strings). */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (Array.isArray(pattern)) return (pattern as readonly string[]).flatMap((p) => splitHostPattern(p));
  const p = pattern as string;
  let parts: string[];
  if (p.includes(',')) parts = p.split(',');
  else if (parseAddress(p)) parts = [p]; // IPv6 addresses and ranged names keep their colons
  else parts = p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((s) => s.trim()).filter((s) => s);
}

/**
 * The inside of a glob's [...] (pat[i..j)) as Python 3.11's fnmatch.translate() writes it: a
 * range whose ends are out of order (z-a) is dropped, as it would be an invalid regex; other
 * hyphens and backslashes are literal.
 */
function classBody(pat: string, i: number, j: number): string {
  const body = pat.slice(i, j);
  if (!body.includes('-')) return body.replace(/\\/g, '\\\\');
  // split at the hyphens that make ranges, Python's way: a '-' right after the start (or after
  // a leading '!') is a literal, and after one range the next hyphen is searched 3 on
  const chunks: string[] = [];
  let start = i;
  let k = pat[i] === '!' ? i + 2 : i + 1;
  for (;;) {
    k = pat.indexOf('-', k);
    if (k < 0 || k >= j) break;
    chunks.push(pat.slice(start, k));
    start = k + 1;
    k += 3;
  }
  const last = pat.slice(start, j);
  if (last) chunks.push(last);
  else chunks[chunks.length - 1] += '-';
  for (let c = chunks.length - 1; c > 0; c--) {
    if (chunks[c - 1].slice(-1) > chunks[c][0]) {
      chunks[c - 1] = chunks[c - 1].slice(0, -1) + chunks[c].slice(1);
      chunks.splice(c, 1);
    }
  }
  return chunks.map((c) => c.replace(/\\/g, '\\\\').replace(/-/g, '\\-')).join('-');
}

/** fnmatch.translate(): shell glob to an anchored, case-sensitive RegExp. */
export function globToRegExp(pat: string): RegExp {
  let res = '';
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i++];
    if (c === '*') {
      while (pat[i] === '*') i++;
      res += '.*';
    } else if (c === '?') {
      res += '.';
    } else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) {
        res += '\\[';
      } else {
        let stuff = classBody(pat, i, j);
        i = j + 1;
        if (!stuff) res += '(?!)';
        else if (stuff === '!') res += '.';
        else {
          if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
          else if (stuff[0] === '^' || stuff[0] === '[') stuff = '\\' + stuff;
          res += '[' + stuff.replace(/\]/g, '\\]') + ']';
        }
      }
    } else {
      res += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${res})$`, 's');
}

function termRegExp(term: string): RegExp {
  try {
    if (term[0] === '~') return new RegExp('^(?:' + term.slice(1).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>') + ')', 's');
    return globToRegExp(term);
  } catch {
    throw new PatternError(`invalid host pattern '${term}': not a valid ${term[0] === '~' ? 'regular expression' : 'glob'}; fix the pattern`);
  }
}

class Evaluator {
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly inv: Inventory, private readonly cwd: string) {}

  /** _evaluate_patterns(): union terms, then intersections, then exclusions. */
  evaluate(terms: string[]): string[] {
    const expanded = terms.flatMap((t) => (t[0] === '@' ? this.readFile(t.slice(1)) : [t]));
    const regular = expanded.filter((t) => t && t[0] !== '!' && t[0] !== '&');
    const ordered = [...(regular.length ? regular : ['all']), ...expanded.filter((t) => t[0] === '&'), ...expanded.filter((t) => t[0] === '!')];
    let hosts: string[] = [];
    for (const p of ordered) {
      if (this.inv.hosts.has(p)) {
        hosts.push(p);
        continue;
      }
      const that = this.matchOne(p);
      if (p[0] === '!') {
        const s = new Set(that);
        hosts = hosts.filter((h) => !s.has(h));
      } else if (p[0] === '&') {
        const s = new Set(that);
        hosts = hosts.filter((h) => s.has(h));
      } else {
        const existing = new Set(hosts);
        hosts.push(...that.filter((h) => !existing.has(h)));
      }
    }
    return hosts;
  }

  /** '@file': one pattern per line (Ansible reads --limit files this way; lines are not split). */
  private readFile(file: string): string[] {
    const full = path.resolve(this.cwd, file);
    let text: string;
    try {
      if (statSync(full).isDirectory()) throw new PatternError(`limit file '@${file}' is a directory; name a file with one host pattern per line`);
      text = readFileSync(full, 'utf8');
    } catch (e) {
      if (e instanceof PatternError) throw e;
      throw new PatternError(`unable to find limit file '@${file}' (looked at ${full}); check the path`);
    }
    return text.split('\n').map((l) => l.trim()).filter((l) => l);
  }

  private matchOne(raw: string): string[] {
    const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
    if (!pattern) throw new PatternError(`empty host pattern after '${raw}'; write a host or group name after '${raw[0]}'`);
    const cached = this.cache.get(pattern);
    if (cached) return cached;
    const { expr, subscript, dashed } = splitSubscript(pattern);
    if (dashed) this.warn('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
    // Differs from Ansible on purpose: `k1-node0[1:2]` whose base names no host or group is read
    // as the inventory range it looks like (k1-node01, k1-node02); Ansible matches nothing.
    const ranged = subscript && subscript[1] !== undefined && subscript[1] >= 0 && !this.matchesAnything(expr) ? this.asRange(pattern) : undefined;
    const hosts = ranged ?? this.enumerate(expr);
    const result = ranged ?? applySubscript(hosts, subscript, pattern);
    this.cache.set(pattern, result);
    return result;
  }

  /** Ansible's display shows each warning text once */
  private warn(text: string): void {
    if (!this.warnings.includes(text)) this.warnings.push(text);
  }

  private matchesAnything(expr: string): boolean {
    const re = termRegExp(expr);
    return [...this.inv.groups.keys()].some((g) => re.test(g)) || [...this.inv.hosts.keys()].some((h) => re.test(h));
  }

  private asRange(pattern: string): string[] | undefined {
    let names: string[];
    try {
      names = expandHostnameRange(pattern);
    } catch (e) {
      if (e instanceof RangeTooLarge) throw new RangePatternError(`host pattern '${pattern}': ${e.message}; ${e.fix}`);
      return undefined;
    }
    const found = names.filter((n) => this.inv.hosts.has(n));
    return found.length ? found : undefined;
  }

  /** _enumerate_matches(): groups whose name matches, then (for globs/regexes or no group) hosts. */
  private enumerate(pattern: string): string[] {
    const re = termRegExp(pattern);
    const results: string[] = [];
    const groups = [...this.inv.groups.keys()].filter((g) => re.test(g));
    for (const g of groups) results.push(...groupHosts(this.inv, g));
    if (!groups.length || pattern[0] === '~' || ['.', '?', '*', '['].some((s) => pattern.includes(s))) {
      for (const h of this.inv.hosts.keys()) if (re.test(h)) results.push(h);
    }
    if (!results.length && LOCALHOST.includes(pattern)) results.push(pattern); // implicit localhost
    if (!results.length && !groups.length && pattern !== 'all') {
      this.warn(`Could not match supplied host pattern, ignoring: ${pattern}`);
    }
    return results;
  }
}

function splitSubscript(pattern: string): { expr: string; subscript?: [number, number | undefined]; dashed?: boolean } {
  if (pattern[0] === '~') return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (!m) return { expr: pattern };
  if (m[2] !== undefined) return { expr: m[1], subscript: [Number(m[2]), undefined] };
  return { expr: m[1], subscript: [Number(m[3]), m[5] ? Number(m[5]) : -1], dashed: m[4] === '-' };
}

/** _apply_subscript(): [i] picks one (negative from the end), [a:b] is inclusive, [a:] to the end. */
function applySubscript(hosts: string[], subscript: [number, number | undefined] | undefined, pattern: string): string[] {
  if (!hosts.length || !subscript) return hosts;
  const [start, endRaw] = subscript;
  if (endRaw) {
    const end = endRaw === -1 ? hosts.length - 1 : endRaw;
    return hosts.slice(start, end + 1);
  }
  const idx = start < 0 ? hosts.length + start : start;
  if (idx < 0 || idx >= hosts.length) {
    throw new PatternError(`no hosts matched the subscripted pattern '${pattern}': it matches ${hosts.length} host(s), so use an index from 0 to ${hosts.length - 1} (or -1 for the last)`);
  }
  return [hosts[idx]];
}

/** A range in a pattern over the limits of ranges.ts. */
class RangePatternError extends PatternError {}

const dedupe = (xs: string[]): string[] => [...new Set(xs)];

/** The hosts of `hosts` that the limit pattern selects, in `hosts` order. */
function limitTo(ev: Evaluator, hosts: string[], limit: string): string[] {
  let allowed: Set<string>;
  try {
    allowed = new Set(ev.evaluate(splitHostPattern(limit)));
  } catch (e) {
    // the pattern came from the command line: say which option to fix
    if (e instanceof RangePatternError) throw new PatternError(`--limit ${limit}: ${e.message}`);
    throw e;
  }
  return hosts.filter((h) => allowed.has(h));
}

/** Hosts of a pattern (and optional --limit), in Ansible's order, plus warnings. */
export function selectHostsDetailed(inv: Inventory, pattern: string | readonly string[], opts: SelectOptions = {}): Selection {
  const terms = splitHostPattern(pattern);
  // Ansible would read an empty pattern as 'all'; a play that forgot its hosts must not hit everything
  if (!terms.length) throw new PatternError("empty host pattern; name the hosts or groups to target (use 'all' for every host)");
  const ev = new Evaluator(inv, opts.cwd ?? process.cwd());
  let hosts = ev.evaluate(terms);
  if (opts.limit !== undefined && opts.limit !== '') hosts = limitTo(ev, hosts, opts.limit);
  return { hosts: dedupe(hosts), warnings: ev.warnings };
}

/** Hosts of a pattern (and optional --limit), in Ansible's order. No match gives []. */
export function selectHosts(inv: Inventory, pattern: string | string[], opts: SelectOptions = {}): string[] {
  return selectHostsDetailed(inv, pattern, opts).hosts;
}

/** Keep the hosts of `hosts` that the limit pattern selects, in `hosts` order (`@file.retry` works). */
export function applyLimit(inv: Inventory, hosts: string[], limit: string, cwd?: string): string[] {
  return dedupe(limitTo(new Evaluator(inv, cwd ?? process.cwd()), hosts, limit));
}

/** True when `name` came from a pattern's implicit localhost rather than the inventory. */
export function isImplicitLocalhost(inv: Inventory, name: string): boolean {
  return !inv.hosts.has(name) && LOCALHOST.includes(name);
}
