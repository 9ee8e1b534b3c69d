// YAML the way PyYAML's yaml.dump writes it (what Ansible's to_yaml/to_nice_yaml produce):
// sorted keys; flow style only for collections of scalars (to_yaml) or never (to_nice_yaml);
// sequences inside mappings not indented; strings quoted when they would read back as
// something else. Long lines are not folded (PyYAML folds at 80 columns; same data).

import { TemplateFault } from './errors.js';
import { isDict, typeName } from './pyvalues.js';

export interface PyYamlOpts { indent?: number; flow?: 'auto' | 'never'; sortKeys?: boolean }

// YAML 1.1 implicit types PyYAML resolves; such strings must be quoted to stay strings.
const RESOLVES = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$/,
  /^(?:<<|=)$/,
];

function plainAllowed(s: string, flow: boolean): boolean {
  if (s === '') return false;
  if (RESOLVES.some((r) => r.test(s))) return false;
  if (/^\s|\s$/.test(s)) return false;
  if (/[\x00-\x1f\x7f]/.test(s)) return false;
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^-(\s|$)/.test(s) || /^(---|\.\.\.)/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  return true;
}

function scalar(v: unknown, flow: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  const s = typeof v === 'string' ? v : String(v);
  if (plainAllowed(s, flow)) return s;
  if (/[\x00-\x08\x0a-\x1f\x7f\t]/.test(s) || /[\u0085\u2028\u2029]/.test(s)) {
    return JSON.stringify(s);
  }
  return `'${s.replace(/'/g, "''")}'`;
}

const isScalar = (v: unknown) => !Array.isArray(v) && !isDict(v);

export function pyYamlDump(value: unknown, opts: PyYamlOpts = {}): string {
  const indent = opts.indent ?? 2;
  const sortKeys = opts.sortKeys ?? true;
  const flowMode = opts.flow ?? 'auto';
  const keys = (d: Record<string, unknown>) => (sortKeys ? Object.keys(d).sort() : Object.keys(d));
  const useFlow = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.length === 0 || (flowMode === 'auto' && v.every(isScalar));
    if (isDict(v)) { const k = Object.keys(v); return k.length === 0 || (flowMode === 'auto' && k.every((x) => isScalar(v[x]))); }
    return false;
  };
  const flowOf = (v: unknown): string => {
    if (Array.isArray(v)) return '[' + v.map(flowOf).join(', ') + ']';
    if (isDict(v)) return '{' + keys(v).map((k) => `${scalar(k, true)}: ${flowOf(v[k])}`).join(', ') + '}';
    return scalar(v, true);
  };
  const check = (v: unknown) => {
    if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !isDict(v) && typeof (v as object).toString !== 'function') {
      throw new TemplateFault(`cannot represent a ${typeName(v)} as YAML`);
    }
  };
  // Lines for a block node whose first line goes right after "key:" / "- " (inline) or on its own.
  const block = (v: unknown, col: number): string[] => {
    check(v);
    if (useFlow(v) || isScalar(v)) return [useFlow(v) ? flowOf(v) : scalar(v, false)];
    const pad = ' '.repeat(col);
    const out: string[] = [];
    if (Array.isArray(v)) {
      for (const item of v) {
        const inner = block(item, col + indent);
        const dash = '-' + ' '.repeat(Math.max(1, indent - 1));
        if (!isScalar(item) && !useFlow(item)) {
          out.push(pad + dash + inner[0]!.trimStart());
          out.push(...inner.slice(1));
        } else out.push(pad + '- ' + inner[0]);
      }
      return out;
    }
    const d = v as Record<string, unknown>;
    for (const k of keys(d)) {
      const item = d[k];
      const key = scalar(k, false);
      if (isScalar(item) || useFlow(item)) out.push(`${pad}${key}: ${block(item, 0)[0]}`);
      else {
        out.push(`${pad}${key}:`);
        // PyYAML does not indent a sequence under a mapping key
        out.push(...block(item, Array.isArray(item) ? col : col + indent));
      }
    }
    return out;
  };
  const lines = block(value, 0);
  return lines.join('\n') + '\n';
}
