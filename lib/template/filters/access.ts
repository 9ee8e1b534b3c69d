// Reading an attribute path ("a.b.0") from an item, as Jinja's attribute= arguments do.

import { isDict } from '../pyvalues.js';

export function getAttr(item: unknown, attr: unknown): unknown {
  const parts = typeof attr === 'number' ? [attr] : String(attr).split('.');
  let cur: unknown = item;
  for (const p of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur) || typeof cur === 'string') {
      const i = Number(p);
      if (!Number.isInteger(i)) return undefined;
      cur = cur[i < 0 ? cur.length + i : i];
    } else if (isDict(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, String(p)) ? cur[String(p)] : undefined;
    } else if (typeof cur === 'object') {
      cur = (cur as Record<string, unknown>)[String(p)];
    } else return undefined;
  }
  return cur;
}
