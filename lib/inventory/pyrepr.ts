// Python's str()/repr() of plain data, which `ansible-inventory --graph --vars` prints.
// JS cannot tell 1.0 from 1, so whole floats print like ints (a documented difference).

// Python's str.isprintable() is false for the Unicode categories Other and Separator, except
// the ASCII space; repr() escapes those characters
const NOT_PRINTABLE = /^(?! )[\p{C}\p{Z}]$/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (NOT_PRINTABLE.test(ch)) out += escapeCodePoint(cp);
    else out += ch;
  }
  return quote + out + quote;
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  if (typeof v === 'string') return reprString(v);
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  if (typeof v === 'object') return '{' + Object.entries(v as object).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ') + '}';
  return String(v);
}

/** str(v): like repr, except a top-level string prints bare. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
