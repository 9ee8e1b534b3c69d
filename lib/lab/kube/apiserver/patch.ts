// The three PATCH formats kubectl and clients send: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch. The strategic merge follows the patch merge keys of the
// real types by field name (containers by name, conditions by type...), handles `null`
// deletion, `$patch: delete|replace` and drops `$setElementOrder`/`$retainKeys` directives
// (order and retained keys are not enforced: a documented simplification).
import { badRequest, StatusError } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObj = { [k: string]: Json };

const isObj = (v: unknown): v is JsonObj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: JsonObj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Patch merge keys of the Kubernetes types, by list field name (and parent for `ports`). */
function mergeKeyFor(field: string, parent: string): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
    case 'addresses':
      return 'type';
    case 'podIPs':
    case 'hostAliases':
      return 'ip';
    case 'ports':
      return ['containers', 'initContainers', 'ephemeralContainers'].includes(parent) ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

const PRIMITIVE_MERGE = new Set(['finalizers']);

/** `field` is the key this value sits under, `parent` the key above it (ports' merge key depends on it). */
export function strategicMergePatch(target: Json, patch: Json, field = '', parent = ''): Json {
  if (!isObj(patch)) return patch;
  if (patch['$patch'] === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch['$patch'] === 'delete') return null;
  const out: JsonObj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const name = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[name];
      if (Array.isArray(cur) && Array.isArray(v)) out[name] = cur.filter((x) => !v.some((d) => d === x));
      continue;
    }
    if (k.startsWith('$')) continue; // $setElementOrder/..., $retainKeys, $patch: directives, not data
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(cur) ? cur : [], v, k, field);
    } else if (isObj(v)) {
      out[k] = strategicMergePatch(cur ?? null, v, k, field);
    } else {
      out[k] = v;
    }
  }
  void parent; // only list merging needs it (see mergeList)
  return out;
}

function mergeList(cur: Json[], patch: Json[], field: string, parent: string): Json[] {
  if (PRIMITIVE_MERGE.has(field)) {
    const out = [...cur];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  const key = mergeKeyFor(field, parent);
  if (!key) return patch.map((v) => stripDirectives(v));
  if (patch.length === 1 && isObj(patch[0]) && patch[0]['$patch'] === 'replace') return [];
  const out = [...cur];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((c) => isObj(c) && c[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx]!, item, field, parent);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: JsonObj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function walk(doc: Json, parts: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)] as Json;
    else if (isObj(cur)) cur = cur[p] as Json;
    else cur = undefined as unknown as Json;
    if (cur === undefined) throw badRequest(`doc is missing path: "/${parts.join('/')}": missing value`);
  }
  return { parent: cur, key: parts[parts.length - 1]! };
}

function getAt(doc: Json, parts: string[]): Json | undefined {
  if (parts.length === 0) return doc;
  const { parent, key } = walk(doc, parts);
  if (Array.isArray(parent)) return parent[Number(key)];
  if (isObj(parent)) return parent[key];
  return undefined;
}

function addAt(doc: Json, parts: string[], value: Json): Json {
  if (parts.length === 0) return value;
  const { parent, key } = walk(doc, parts);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw badRequest(`add operation does not apply: index out of bounds: /${parts.join('/')}`);
    parent.splice(i, 0, value);
  } else if (isObj(parent)) parent[key] = value;
  else throw badRequest(`doc is missing path: "/${parts.join('/')}": missing value`);
  return doc;
}

function removeAt(doc: Json, parts: string[]): Json {
  const { parent, key } = walk(doc, parts);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw badRequest(`remove operation does not apply: doc is missing path: "/${parts.join('/')}"`);
    parent.splice(i, 1);
  } else if (isObj(parent) && key in parent) delete parent[key];
  else throw badRequest(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "/${parts.join('/')}": missing value`);
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('the server rejected our request due to an error in our request: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = JSON.parse(JSON.stringify(target)) as Json;
  for (const raw of ops as JsonPatchOp[]) {
    const parts = pointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, parts, raw.value ?? null);
        break;
      case 'remove':
        doc = removeAt(doc, parts);
        break;
      case 'replace':
        if (getAt(doc, parts) === undefined) throw badRequest(`the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: /${parts.join('/')}: missing value`);
        doc = parts.length ? addAt(removeAt(doc, parts), parts, raw.value ?? null) : (raw.value ?? null);
        break;
      case 'move':
      case 'copy': {
        const from = pointer(raw.from ?? '');
        const v = getAt(doc, from);
        if (v === undefined) throw badRequest(`the server rejected our request due to an error in our request: ${raw.op} operation does not apply: doc is missing from path: ${raw.from}: missing value`);
        if (raw.op === 'move') doc = removeAt(doc, from);
        doc = addAt(doc, parts, JSON.parse(JSON.stringify(v)) as Json);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(raw.value)) throw new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 422, reason: 'Invalid', message: `the server rejected our request due to an error in our request: testing value /${parts.join('/')} failed: test failed` });
        break;
      default:
        throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

export type { Json, JsonObj };
