// Dict filters: dict2items, items2dict, combine (recursive, list_merge), items, dictsort.

import { TemplateFault } from '../errors.js';
import { isDict, pyCompare, truthy, typeName, type Dict } from '../pyvalues.js';
import { arg, type FilterFn } from './types.js';

const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

/** Ansible's merge_hash: y's keys win; nested dicts merge when recursive. */
export function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: string): Dict {
  const out: Dict = { ...x };
  for (const [k, yv] of Object.entries(y)) {
    const xv = out[k];
    if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = yv;
    else if (recursive && isDict(xv) && isDict(yv)) out[k] = mergeHash(xv, yv, recursive, listMerge);
    else if (Array.isArray(xv) && Array.isArray(yv)) {
      switch (listMerge) {
        case 'keep': break;
        case 'append': out[k] = [...xv, ...yv]; break;
        case 'prepend': out[k] = [...yv, ...xv]; break;
        case 'append_rp': out[k] = [...xv.filter((e) => !yv.includes(e)), ...yv]; break;
        case 'prepend_rp': out[k] = [...yv, ...xv.filter((e) => !yv.includes(e))]; break;
        default: out[k] = yv;
      }
    } else out[k] = yv;
  }
  return out;
}

export const DICT_FILTERS: Record<string, FilterFn> = {
  dict2items: (v, a, kw) => {
    if (!isDict(v)) throw new TemplateFault(`dict2items requires a dictionary, got ${typeName(v)}`);
    const kn = String(arg(a, kw, 0, 'key_name', 'key'));
    const vn = String(arg(a, kw, 1, 'value_name', 'value'));
    return Object.keys(v).map((k) => ({ [kn]: k, [vn]: v[k] }));
  },
  items2dict: (v, a, kw) => {
    if (!Array.isArray(v)) throw new TemplateFault(`items2dict requires a list, got ${typeName(v)}`);
    const kn = String(arg(a, kw, 0, 'key_name', 'key'));
    const vn = String(arg(a, kw, 1, 'value_name', 'value'));
    const out: Dict = {};
    for (const item of v) {
      if (!isDict(item) || !(kn in item) || !(vn in item)) {
        throw new TemplateFault(`items2dict: each item needs '${kn}' and '${vn}' keys`);
      }
      out[String(item[kn])] = item[vn];
    }
    return out;
  },
  combine: (v, a, kw) => {
    const recursive = truthy(kw.recursive ?? false);
    const listMerge = String(kw.list_merge ?? 'replace');
    if (!LIST_MERGE.includes(listMerge)) throw new TemplateFault(`list_merge must be one of ${LIST_MERGE.join(', ')}`);
    const dicts = [v, ...a].flatMap((d) => (Array.isArray(d) ? d : [d]));
    return dicts.reduce<Dict>((acc, d) => {
      if (!isDict(d)) throw new TemplateFault(`combine: ${typeName(d)} is not a dict`);
      return mergeHash(acc, d, recursive, listMerge);
    }, {});
  },
  items: (v) => {
    if (v === undefined || v === null) return [];
    if (!isDict(v)) throw new TemplateFault(`items needs a dict, got ${typeName(v)}`);
    return Object.keys(v).map((k) => [k, v[k]]);
  },
  dictsort: (v, a, kw) => {
    if (!isDict(v)) throw new TemplateFault(`dictsort needs a dict, got ${typeName(v)}`);
    const cs = truthy(arg(a, kw, 0, 'case_sensitive', false));
    const by = String(arg(a, kw, 1, 'by', 'key'));
    const rev = truthy(arg(a, kw, 2, 'reverse', false));
    const key = (p: [string, unknown]) => { const x = by === 'value' ? p[1] : p[0]; return !cs && typeof x === 'string' ? x.toLowerCase() : x; };
    return Object.keys(v).map((k): [string, unknown] => [k, v[k]]).sort((p, q) => pyCompare(key(p), key(q)) * (rev ? -1 : 1));
  },
};
