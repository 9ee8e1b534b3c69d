// JSON.stringify that writes BigInts (exact template ints beyond 2^53) as JSON numbers instead of
// throwing "Do not know how to serialize a BigInt".
import { randomBytes } from 'node:crypto';

export function jsonStringify(value: unknown, indent?: number): string {
  let tag: string | undefined;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    tag ??= `\u0000int:${randomBytes(6).toString('hex')}:`;
    return tag + v.toString();
  }, indent);
  if (tag === undefined || text === undefined) return text;
  // the sentinel appears only inside a JSON string literal we produced: "<tag>123" -> 123
  const quoted = JSON.stringify(tag).slice(1, -1);
  return text.replace(new RegExp(`"${quoted.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(-?\\d+)"`, 'g'), '$1');
}
