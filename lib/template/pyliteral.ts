// Python's ast.literal_eval over a rendered string, as ansible-core 2.14's ansible_eval_concat
// applies it (with its Json2Python pass, so true/false/null are read too): strings, numbers,
// lists, tuples (as lists), dicts, sets (as lists), True/False/None, unary +/-. Anything else
// (a name, a call, an f-string, a complex number, a syntax error) is "not a literal": undefined.

import { normInt } from './pyint.js';

class NotLiteral extends Error {}

const NAMES: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

type Tok =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number | bigint }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let depth = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\f') { i++; continue; }
    if (c === '\\' && (src[i + 1] === '\n' || src.startsWith('\r\n', i + 1))) { i += src[i + 1] === '\n' ? 2 : 3; continue; }
    if (c === '\n' || c === '\r') {
      // a line break ends the expression unless inside brackets; trailing ones are fine
      if (depth === 0 && src.slice(i).trim() !== '' && !/^\s*#/.test(src.slice(i))) throw new NotLiteral();
      i++;
      continue;
    }
    if (c === '#') { while (i < n && src[i] !== '\n' && src[i] !== '\r') i++; continue; }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 5));
    if (str && (str[1] === '' || /^(?:[rR]|[uU]|[bB]|[fF]|[rR][bBfF]|[bBfF][rR])$/.test(str[1]!))) {
      const prefix = str[1]!.toLowerCase();
      if (prefix.includes('b') || prefix.includes('f')) throw new NotLiteral();
      const q = str[2]!;
      i += str[0].length;
      let v = '';
      for (;;) {
        if (i >= n) throw new NotLiteral();
        if (src.startsWith(q, i)) { i += q.length; break; }
        const ch = src[i]!;
        if (q.length === 1 && (ch === '\n' || ch === '\r')) throw new NotLiteral();
        if (ch === '\\') {
          const next = src[i + 1];
          if (next === undefined) throw new NotLiteral();
          if (prefix.includes('r')) { v += ch + next; i += 2; continue; }
          i += 2;
          if (next === '\n') continue;
          if (next in SIMPLE_ESCAPES) { v += SIMPLE_ESCAPES[next]; continue; }
          if (/[0-7]/.test(next)) {
            let oct = next;
            while (oct.length < 3 && /[0-7]/.test(src[i] ?? '')) oct += src[i++];
            v += String.fromCodePoint(parseInt(oct, 8));
            continue;
          }
          const hexLen = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
          if (hexLen) {
            const h = src.slice(i, i + hexLen);
            if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(h)) throw new NotLiteral();
            const cp = parseInt(h, 16);
            if (cp > 0x10ffff) throw new NotLiteral();
            v += String.fromCodePoint(cp);
            i += hexLen;
            continue;
          }
          if (next === 'N') throw new NotLiteral(); // \N{NAME}: no name table here
          v += '\\' + next; // unknown escapes keep the backslash
          continue;
        }
        v += ch;
        i++;
      }
      out.push({ t: 'str', v });
      continue;
    }
    const num = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][-+]?\d(?:_?\d)*)?)[jJ]?/.exec(src.slice(i));
    if (num && num[0] !== '' && num[0] !== '.' && /\d/.test(num[0])) {
      const text = num[0];
      i += text.length;
      if (/[jJ]$/.test(text)) throw new NotLiteral(); // complex
      out.push({ t: 'num', v: parseNumber(text.replace(/_/g, '')) });
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) { out.push({ t: 'name', v: name[0] }); i += name[0].length; continue; }
    if ('[({'.includes(c)) depth++;
    if ('])}'.includes(c)) depth--;
    if ('[](){},:+-'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    throw new NotLiteral();
  }
  out.push({ t: 'end' });
  return out;
}

function parseNumber(s: string): number | bigint {
  if (/^0[xob]/i.test(s)) return normInt(BigInt(s.toLowerCase()));
  if (/^\d+$/.test(s)) {
    // Python 3 rejects 0-prefixed decimal integers other than 0
    if (/^0\d/.test(s) && !/^0+$/.test(s)) throw new NotLiteral();
    return normInt(BigInt(s));
  }
  const f = Number(s);
  if (Number.isNaN(f)) throw new NotLiteral();
  return f;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok { return this.toks[this.i]!; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === 'op' && t.v === v; }
  private expectOp(v: string): void { if (!this.isOp(v)) throw new NotLiteral(); this.i++; }

  top(): unknown {
    const first = this.value();
    let v: unknown = first;
    if (this.isOp(',')) {
      // a bare tuple: "[1], [2]"
      const items = [first];
      while (this.isOp(',')) {
        this.i++;
        if (this.peek().t === 'end') break;
        items.push(this.value());
      }
      v = items;
    }
    if (this.peek().t !== 'end') throw new NotLiteral();
    return v;
  }

  private value(): unknown {
    const t = this.peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.i++;
      const inner = this.value();
      if (typeof inner === 'bigint') return normInt(t.v === '-' ? -inner : inner);
      if (typeof inner !== 'number') throw new NotLiteral();
      return t.v === '-' ? -inner : inner;
    }
    this.i++;
    switch (t.t) {
      case 'str': {
        let s = t.v;
        // adjacent strings are one literal ('a' 'b')
        while (this.peek().t === 'str') s += (this.toks[this.i++] as { v: string }).v;
        return s;
      }
      case 'num': return t.v;
      case 'name':
        if (Object.prototype.hasOwnProperty.call(NAMES, t.v)) return NAMES[t.v];
        throw new NotLiteral();
      case 'op':
        if (t.v === '[') return this.sequence(']');
        if (t.v === '(') {
          if (this.isOp(')')) { this.i++; return []; }
          const first = this.value();
          if (this.isOp(')')) { this.i++; return first; } // a parenthesised value
          this.expectOp(',');
          return [first, ...this.sequence(')')];
        }
        if (t.v === '{') return this.braces();
        throw new NotLiteral();
      default:
        throw new NotLiteral();
    }
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.value());
      if (!this.isOp(close)) this.expectOp(',');
    }
    this.i++;
    return items;
  }

  private braces(): unknown {
    if (this.isOp('}')) { this.i++; return {}; }
    const first = this.value();
    if (!this.isOp(':')) {
      // a set literal: tsplay has no set type, so it is a list of the distinct items
      const items = [first];
      if (!this.isOp('}')) this.expectOp(',');
      while (!this.isOp('}')) {
        items.push(this.value());
        if (!this.isOp('}')) this.expectOp(',');
      }
      this.i++;
      if (items.some((x) => x !== null && typeof x === 'object')) throw new NotLiteral();
      return items.filter((x, k) => items.indexOf(x) === k);
    }
    const out: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      this.expectOp(':');
      if (key !== null && typeof key === 'object') throw new NotLiteral(); // unhashable
      out[keyText(key)] = this.value();
      if (this.isOp('}')) { this.i++; return out; }
      this.expectOp(',');
      if (this.isOp('}')) { this.i++; return out; }
      key = this.value();
    }
  }
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  return String(k);
}

/** The value ast.literal_eval would give for `src`, or undefined when it is not a literal. */
export function pyLiteralEval(src: string): { value: unknown } | undefined {
  try {
    return { value: new Parser(tokenize(src)).top() };
  } catch (e) {
    if (e instanceof NotLiteral || e instanceof RangeError || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * ansible_eval_concat's rule: a rendered string that starts with '{' or '[', or is exactly
 * 'True' or 'False', becomes the value it spells when it is a Python literal.
 */
export function ansibleEvalConcat(s: string): unknown {
  if (!(s.startsWith('{') || s.startsWith('[') || s === 'True' || s === 'False')) return s;
  const lit = pyLiteralEval(s);
  return lit ? lit.value : s;
}
