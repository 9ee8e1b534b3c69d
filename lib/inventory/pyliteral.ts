// Python's ast.literal_eval, as Ansible's INI plugin applies it to every `key=value` value:
// a value that is a Python literal becomes that literal (int, float, bool, None, str, list,
// tuple, dict); anything else stays the original text. Tuples become arrays (as in Ansible's
// JSON). Literals JSON cannot hold (complex numbers, sets, `...`) are kept as text: a documented
// difference, Ansible would carry a Python object there.

type Tok =
  | { k: 'num'; v: number; imag: boolean }
  | { k: 'str'; v: string; bytes: boolean }
  | { k: 'name'; v: string }
  | { k: 'op'; v: string }
  | { k: 'end' };

class NotLiteral extends Error {}

const fail = (): never => {
  throw new NotLiteral('not a literal');
};

const DIGITS = '(?:[0-9](?:_?[0-9])*)';
const NUMBER_RES: Array<[RegExp, (m: string) => number]> = [
  [/^0[xX](?:_?[0-9a-fA-F])+/, (m) => parseInt(m.slice(2).replace(/_/g, ''), 16)],
  [/^0[oO](?:_?[0-7])+/, (m) => parseInt(m.slice(2).replace(/_/g, ''), 8)],
  [/^0[bB](?:_?[01])+/, (m) => parseInt(m.slice(2).replace(/_/g, ''), 2)],
  // floats: 1.5  1.  .5  1e3  1.5e-3
  [new RegExp(`^(?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|^${DIGITS}[eE][+-]?${DIGITS}`), (m) => Number(m.replace(/_/g, ''))],
  // decimal integers: no leading zeros except for zero itself (0644 is a SyntaxError)
  [/^(?:[1-9](?:_?[0-9])*|0(?:_?0)*)/, (m) => Number(m.replace(/_/g, ''))],
];

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

function unescape(body: string, bytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const n = body[i + 1];
    if (n === undefined) fail();
    if (n in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[n]; i++; continue; }
    const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (oct) { out += String.fromCodePoint(parseInt(oct[0], 8)); i += oct[0].length; continue; }
    const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = body.slice(i + 2, i + 2 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail();
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) fail();
      out += String.fromCodePoint(cp);
      i += 1 + hexLen;
      continue;
    }
    if (!bytes && n === 'N') fail(); // \N{NAME}: needs the Unicode name table; kept as text
    out += '\\' + n; // unknown escapes keep their backslash, like Python
    i++;
  }
  return out;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\r' || c === '\n') { i++; continue; }
    if (c === '#') break; // comment to end of line
    const rest = src.slice(i);
    const str = /^([rRuUbBfF]{0,2})('''|"""|'|")/.exec(rest);
    if (str && /^(|[rR]|[uU]|[bB]|[fF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/.test(str[1])) {
      const prefix = str[1].toLowerCase();
      const q = str[2];
      let j = str[0].length;
      let body = '';
      for (;;) {
        if (j >= rest.length) fail();
        if (rest.startsWith(q, j)) break;
        if (rest[j] === '\\') { body += rest.slice(j, j + 2); j += 2; continue; }
        body += rest[j++];
      }
      if (prefix.includes('f')) fail(); // f-strings are not literals
      const bytes = prefix.includes('b');
      if (bytes && /[^\x00-\x7f]/.test(body)) fail();
      toks.push({ k: 'str', v: prefix.includes('r') ? body : unescape(body, bytes), bytes });
      i += j + q.length;
      continue;
    }
    if (/[0-9.]/.test(c) && /^\.?[0-9]/.test(rest)) {
      let matched = false;
      for (const [re, conv] of NUMBER_RES) {
        const m = re.exec(rest);
        if (!m) continue;
        let len = m[0].length;
        let imag = false;
        if (/^[jJ]/.test(rest.slice(len))) { imag = true; len++; }
        if (/^[\p{L}\p{N}_.]/u.test(rest.slice(len))) fail(); // 0644, 1abc, 1.2.3
        const v = conv(m[0]);
        // Python ints have no size limit; one JS cannot hold exactly stays text rather than change
        if (Number.isInteger(v) && !Number.isSafeInteger(v) && !/[.eE]/.test(m[0])) fail();
        toks.push({ k: 'num', v, imag });
        i += len;
        matched = true;
        break;
      }
      if (!matched) fail();
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest);
    if (name) { toks.push({ k: 'name', v: name[0] }); i += name[0].length; continue; }
    if (rest.startsWith('...')) { toks.push({ k: 'op', v: '...' }); i += 3; continue; }
    if ('()[]{},:+-'.includes(c)) { toks.push({ k: 'op', v: c }); i++; continue; }
    fail();
  }
  toks.push({ k: 'end' });
  return toks;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t.k === 'op' && t.v === v; }
  private expect(v: string): void { if (!this.isOp(v)) fail(); this.i++; }

  parseTop(): unknown {
    const v = this.expr();
    if (this.peek().k !== 'end') fail();
    return v;
  }

  private expr(): unknown {
    // a bare top-level or parenthesised `a, b` is a tuple
    const first = this.single();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.atClose()) break;
      items.push(this.single());
    }
    return items;
  }

  private atClose(): boolean {
    const t = this.peek();
    return t.k === 'end' || (t.k === 'op' && (t.v === ')' || t.v === ']' || t.v === '}'));
  }

  /** one element: a signed number, a complex sum (rejected), a string run, a name, a container */
  private single(): unknown {
    const t = this.peek();
    if (t.k === 'op' && (t.v === '+' || t.v === '-')) {
      this.i++;
      // parentheses make no node in Python's tree: -(1) and -((2.5)) are signed numbers too
      let parens = 0;
      while (this.isOp('(')) { this.i++; parens++; }
      const n = this.peek();
      if (n.k !== 'num') fail();
      this.i++;
      if ((n as { imag: boolean }).imag) fail();
      for (; parens > 0; parens--) this.expect(')');
      this.noComplexSum();
      const v = (n as { v: number }).v;
      return t.v === '-' ? -v : v;
    }
    if (t.k === 'num') {
      this.i++;
      if (t.imag) fail();
      this.noComplexSum();
      return t.v;
    }
    if (t.k === 'str') {
      let s = '';
      const bytes = t.bytes;
      while (this.peek().k === 'str') {
        const p = this.peek() as { v: string; bytes: boolean };
        if (p.bytes !== bytes) fail(); // mixing bytes and str is a SyntaxError
        s += p.v;
        this.i++;
      }
      return s;
    }
    if (t.k === 'name') {
      this.i++;
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      return fail();
    }
    if (t.k === 'op') {
      if (t.v === '(') {
        this.i++;
        if (this.isOp(')')) { this.i++; return []; }
        const first = this.single();
        if (this.isOp(')')) { this.i++; return first; } // parentheses only group
        const items = [first];
        while (this.isOp(',')) {
          this.i++;
          if (this.isOp(')')) break;
          items.push(this.single());
        }
        this.expect(')');
        return items;
      }
      if (t.v === '[') {
        this.i++;
        const items: unknown[] = [];
        while (!this.isOp(']')) {
          items.push(this.single());
          if (!this.isOp(',')) break;
          this.i++;
        }
        this.expect(']');
        return items;
      }
      if (t.v === '{') {
        this.i++;
        const out: Record<string, unknown> = {};
        if (this.isOp('}')) { this.i++; return out; }
        for (;;) {
          const key = this.single();
          if (!this.isOp(':')) fail(); // a set literal: not representable, kept as text
          this.i++;
          out[dictKey(key)] = this.single();
          if (!this.isOp(',')) break;
          this.i++;
          if (this.isOp('}')) break;
        }
        this.expect('}');
        return out;
      }
    }
    return fail();
  }

  private noComplexSum(): void {
    // `1+2j` is a complex literal: not representable, so the whole value stays text
    if (this.isOp('+') || this.isOp('-')) fail();
  }
}

/** Dict keys as JSON shows them (Python's json.dumps turns True into "true", None into "null"). */
function dictKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return 'null';
  if (typeof k === 'number') return String(k);
  return fail(); // lists and dicts are unhashable
}

/** The value Ansible's INI plugin stores for `text`: literal_eval result, else the text itself. */
export function pyLiteral(text: string): unknown {
  const src = text.replace(/^[ \t]+/, ''); // literal_eval strips leading spaces and tabs
  try {
    return new Parser(tokenize(src)).parseTop();
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}
