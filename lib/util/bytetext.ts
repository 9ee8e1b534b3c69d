// File bytes as a JS string and back, losslessly: Python's "surrogateescape". Valid UTF-8 decodes
// to its characters (so regexps written for UTF-8 text match as users expect: `caf.` matches
// "café"); every byte that is not part of a valid UTF-8 sequence becomes the lone surrogate
// U+DC80+byte, and encoding turns it back into that byte. decode-then-encode gives back the
// exact input for any byte sequence, so the lines an edit does not touch stay byte for byte.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ESCAPED = /[\uDC80-\uDCFF]/;

/** Bytes as text; invalid UTF-8 bytes become U+DC80..U+DCFF. */
export function decodeBytes(data: Uint8Array): string {
  try {
    return strict.decode(data);
  } catch {
    return decodeEscaping(data);
  }
}

/** Text back to bytes; lone U+DC80..U+DCFF become the bytes they stand for. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc80 || c > 0xdcff) continue;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (prev >= 0xd800 && prev <= 0xdbff) continue; // the low half of a real surrogate pair
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.of(c - 0xdc00));
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Length of the valid UTF-8 sequence starting at data[i], or 0 (Unicode's well-formed table). */
function seqLength(data: Uint8Array, i: number): number {
  const b = data[i];
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < data.length && data[i + k] >= lo && data[i + k] <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf; // no encoded surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

function decodeEscaping(data: Uint8Array): string {
  const out: string[] = [];
  let run = 0; // start of the current run of valid bytes
  let i = 0;
  while (i < data.length) {
    const n = seqLength(data, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (run < i) out.push(strict.decode(data.subarray(run, i)));
    out.push(String.fromCharCode(0xdc00 + data[i]));
    i += 1;
    run = i;
  }
  if (run < data.length) out.push(strict.decode(data.subarray(run)));
  return out.join('');
}
