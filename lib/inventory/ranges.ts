// Host names with ranges and ports, as Ansible's parse_address() and expand_hostname_range() read
// them: `k1-node[01:05]`, `db[a:c]`, `n[1:9:4]`, `host:2222`, `[::1]:2222`, `127.0.10.[1:3]`.
import { LineProblem } from './errors.js';

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const I6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const I4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w is Unicode-aware: letters, digits, underscore
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${W}|${ALNUM_RANGE})(?:${W}|-|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
export const IPV4 = new RegExp(`^(?:${I4}\\.){3}${I4}$`, 'i');
// Python writes this as `^ a | b | ... | z $` and uses re.match: only the last branch is anchored
// at the end, so e.g. anything starting with "::" counts. Kept as is: it decides how patterns split.
export const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${I6}:){7}${I6}`,
      `(?:${I6}:){1,6}:`,
      `(?:${I6}:)(?::${I6}){1,6}`,
      `(?:${I6}:){2}(?::${I6}){1,5}`,
      `(?:${I6}:){3}(?::${I6}){1,4}`,
      `(?:${I6}:){4}(?::${I6}){1,3}`,
      `(?:${I6}:){5}(?::${I6}){1,2}`,
      `(?:${I6}:){6}(?::${I6})`,
      `:(?::${I6}){1,6}`,
      `${I6}?::`,
      `(?:0:){6}(?:${I6}\\.){3}${I6}`,
      `::(?:ffff:)?(?:${I6}\\.){3}${I6}`,
      `(?:0:){5}ffff:(?:${I6}\\.){3}${I6}$`,
    ].join('|') +
    ')',
  'i',
);
export const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');
/**
 * Plain ASCII names that HOSTNAME accepts too. Checked first: compiling HOSTNAME's Unicode classes
 * costs milliseconds at start, and nearly every inventory name is plain ASCII.
 */
const ASCII_LABEL = '(?:[a-z0-9]|[a-z0-9_][a-z0-9_-]*[a-z0-9])';
export const ASCII_HOSTNAME = new RegExp(`^${ASCII_LABEL}(?:\\.${ASCII_LABEL})*$`, 'i');

/** parse_address(address, allow_ranges=True): [host, port]; null when it is not a host identifier. */
export function parseAddress(address: string): { host: string; port?: number } | null {
  let addr = address;
  let port: number | undefined;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(addr);
    if (m) {
      addr = m[1];
      port = Number(m[2]);
    }
  }
  if (ASCII_HOSTNAME.test(addr) || IPV4.test(addr) || IPV6.test(addr) || HOSTNAME.test(addr)) return { host: addr, port };
  return null;
}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Python int(): optional sign, digits with single underscores, surrounding whitespace. */
function pyInt(s: string, what: string): number {
  if (!/^\s*[+-]?[0-9](?:_?[0-9])*\s*$/.test(s)) {
    throw new LineProblem(`range ${what} '${s}' is not a number or a single letter`, 'write ranges as [01:05], [a:c] or [1:9:2]');
  }
  return Number(s.replace(/_/g, ''));
}

/** Python's range(start, stop, step) / slice stepping for the expansion. */
function stepped(begin: number, endInclusive: number, step: number): number[] {
  const out: number[] = [];
  if (step > 0) for (let i = begin; i <= endInclusive; i += step) out.push(i);
  else for (let i = begin; i >= endInclusive; i += step) out.push(i);
  return out;
}

/**
 * At most this many names from one ranged entry, all its ranges together: `h[0:99999999]` would
 * otherwise take gigabytes before anything ran (Ansible has no limit).
 */
export const MAX_RANGE_HOSTS = 100_000;
/** At most this many [ranges] in one name (each one is a level of recursion). */
export const MAX_RANGES_PER_NAME = 8;

/** A range over the limits above: an inventory error, and a --limit or play pattern error too. */
export class RangeTooLarge extends LineProblem {}

/** expand_hostname_range(): every name a ranged pattern stands for, left range first. */
export function expandHostnameRange(line: string): string[] {
  const ranges = line.split('[').length - 1;
  if (ranges > MAX_RANGES_PER_NAME) {
    throw new RangeTooLarge(`'${line.length > 80 ? `${line.slice(0, 77)}...` : line}' has ${ranges} [ranges], more than the ${MAX_RANGES_PER_NAME} one host name may have`,
      'list the hosts in smaller entries or in several groups');
  }
  return expand(line);
}

function tooMany(line: string): RangeTooLarge {
  return new RangeTooLarge(`host range '${line.length > 80 ? `${line.slice(0, 77)}...` : line}' expands to more than ${MAX_RANGE_HOSTS} hosts, the most one entry may stand for`,
    'split it into several smaller ranges, or check the bounds for a typo');
}

/** How many values stepped() yields, without making them. */
function steps(begin: number, endInclusive: number, step: number): number {
  const n = Math.floor((endInclusive - begin) / step) + 1;
  return n > 0 ? n : 0;
}

function expand(line: string): string[] {
  const parts = line.replace('[', '|').replace(']', '|').split('|');
  if (parts.length !== 3) {
    throw new LineProblem(`host range in '${line}' is not closed or has extra brackets`, 'write one [begin:end] per range, e.g. k1-node[01:05]');
  }
  const [head, nrange, tail] = parts;
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new LineProblem(`host range [${nrange}] must be begin:end or begin:end:step`, 'write it like [01:05] or [1:9:2]');
  }
  const beg = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? pyInt(bounds[2], 'step') : 1;
  if (!end) throw new LineProblem(`host range [${nrange}] has no end value`, 'write it like [01:05]');
  if (step === 0) throw new LineProblem(`host range [${nrange}] has a step of 0`, 'use a step of 1 or more');
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    const width = beg.length;
    if (width !== end.length) {
      throw new LineProblem(`host range [${nrange}] has begin and end of different widths (${beg} has ${width} characters, ${end} has ${end.length})`,
        `pad both ends to the same width, e.g. [${beg}:${end.padStart(width, '0')}]`);
    }
    fill = (x) => String(x).padStart(width, '0');
  }
  let seq: Array<string | number>;
  const iBeg = ASCII_LETTERS.indexOf(beg);
  const iEnd = ASCII_LETTERS.indexOf(end);
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new LineProblem(`host range [${nrange}] must have begin <= end`, `swap the ends: [${end}:${beg}]`);
    seq = stepped(iBeg, iEnd, step).filter((i) => i >= 0 && i < ASCII_LETTERS.length).map((i) => ASCII_LETTERS[i]);
  } else {
    const b = pyInt(beg, 'begin');
    const e = pyInt(end, 'end');
    // Ansible silently expands [5:1] to no hosts at all; that is always a typo, so say so
    if (b > e) throw new LineProblem(`host range [${nrange}] is empty: begin ${b} is greater than end ${e}`, `swap the ends: [${end}:${beg}]`);
    if (steps(b, e, step) > MAX_RANGE_HOSTS) throw tooMany(line);
    seq = stepped(b, e, step);
  }
  const out: string[] = [];
  for (const r of seq) {
    const name = head + fill(r) + tail;
    if (!name.includes('[')) out.push(name);
    // a loop, not push(...inner): spreading a large array overflows the stack
    else for (const n of expand(name)) out.push(n);
    if (out.length > MAX_RANGE_HOSTS) throw tooMany(line);
  }
  return out;
}

/**
 * A host entry (INI first token, YAML hosts key, host-list item) to names and optional port,
 * like BaseInventoryPlugin._expand_hostpattern. Unparseable text is taken as a literal name.
 */
export function expandHostPattern(pattern: string): { hosts: string[]; port?: number } {
  const parsed = parseAddress(pattern);
  const name = parsed ? parsed.host : pattern;
  const port = parsed?.port;
  const hosts = name.includes('[') ? expandHostnameRange(name) : [name];
  return { hosts, port };
}
