// Version comparison for the `version` test (Ansible's LooseVersion by default, or semver).

import { TemplateFault } from './errors.js';

type Part = number | string;

function loose(v: string): Part[] {
  const s = v.replace(/^[vV](?=\d)/, '');
  return (s.match(/\d+|[a-zA-Z]+/g) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p.toLowerCase()));
}

function cmpParts(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === typeof y) return x < y ? -1 : 1;
    return typeof x === 'number' ? -1 : 1; // numbers sort before words, deterministically
  }
  return 0;
}

const SEMVER = /^[vV]?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function semverCmp(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma) throw new TemplateFault(`invalid semantic version '${a}'`);
  if (!mb) throw new TemplateFault(`invalid semantic version '${b}'`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d) return Math.sign(d);
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return cmpParts(pa.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), pb.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
}

const OPS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

export function versionCompare(value: unknown, version: unknown, operator: unknown = 'eq', strict = false, versionType?: unknown): boolean {
  if (value === null || value === undefined || value === '') throw new TemplateFault('version value cannot be empty');
  if (version === null || version === undefined || version === '') throw new TemplateFault('version to compare against cannot be empty');
  const op = String(operator);
  const check = OPS[op];
  if (!check) throw new TemplateFault(`invalid version operator '${op}' (use one of ${Object.keys(OPS).join(', ')})`);
  const a = String(value);
  const b = String(version);
  const type = versionType === undefined || versionType === null ? (strict ? 'strict' : 'loose') : String(versionType);
  let c: number;
  if (type === 'semver' || type === 'semantic') c = semverCmp(a, b);
  else if (type === 'loose' || type === 'strict' || type === 'pep440') {
    if (type === 'strict') for (const s of [a, b]) if (!/^\d+\.\d+(\.\d+)?([ab]\d+)?$/.test(s)) throw new TemplateFault(`invalid version number '${s}'`);
    c = cmpParts(loose(a), loose(b));
  } else throw new TemplateFault(`unknown version_type '${type}'`);
  return check(c);
}
