// Python ints beyond 2^53 (etcd member IDs are random 64-bit numbers): a JS number would round
// them, so `'%x' | format(id)` would name a member that does not exist. Integers outside the
// safe range are BigInt; everything inside it stays a plain number, so the rest of the engine
// sees BigInt only where a number could not hold the value exactly.
import { randomBytes } from 'node:crypto';

/** A number or a BigInt: what a Python int/float can be here. */
export type PyNum = number | bigint;

export function isNum(v: unknown): v is PyNum {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** An integer as the narrowest exact representation: a number when safe, else a BigInt. */
export function normInt(n: bigint): PyNum {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** The value as a BigInt, if it is an integer (number or BigInt). */
export function asBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}

const BIG_INT_TOKEN = /-?\d{16,}/;
const NUMBER = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;

/**
 * JSON.parse, but integers beyond 2^53 come back as exact BigInts. Outside strings, long integer
 * tokens are rewritten to sentinel strings (with a per-call nonce, so no real string can match)
 * that a reviver turns into BigInts.
 */
export function parseJsonExact(text: string): unknown {
  if (!BIG_INT_TOKEN.test(text)) return JSON.parse(text);
  const tag = `\u0000int:${randomBytes(6).toString('hex')}:`;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // copy the string literal as is, honouring escapes
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    // sticky at i, over the whole text: an RSA modulus has hundreds of digits
    NUMBER.lastIndex = i;
    const m = c === '-' || (c >= '0' && c <= '9') ? NUMBER.exec(text) : null;
    if (m) {
      const tok = m[0];
      const big = m[1] === undefined && m[2] === undefined ? BigInt(tok) : undefined;
      out += big !== undefined && typeof normInt(big) === 'bigint' ? JSON.stringify(tag + tok) : tok;
      i += tok.length;
      continue;
    }
    // structural characters and whitespace up to the next string or number, in one piece
    let j = i + 1;
    while (j < text.length && !/["\d-]/.test(text[j]!)) j++;
    out += text.slice(i, j);
    i = j;
  }
  return JSON.parse(out, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(tag) ? BigInt(v.slice(tag.length)) : v));
}
