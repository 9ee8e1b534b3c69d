// Templating values the way Ansible does for task arguments and `when:` conditions:
// a string that is exactly one "{{ expr }}" yields the expression's native value,
// other strings render to strings, and containers are templated deeply.

import { TemplateError } from './errors.js';
import { evalNative, evalNativeText, renderText } from './env.js';
import { truthy, isDict } from './pyvalues.js';
import { isLazy } from './lazy-marker.js';
import { checkRenderedSize } from './limits.js';
import { ansibleEvalConcat } from './pyliteral.js';
import type { RenderOptions, Vars } from './types.js';

/** True when the text holds Jinja syntax ({{ or {%) and so needs rendering. */
export function isTemplated(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

/** The inner expression of a string that is exactly one "{{ expr }}", else undefined. */
export function singleExpression(s: string): string | undefined {
  const m = /^\{\{(-?)([\s\S]*?)(-?)\}\}$/.exec(s);
  if (!m) return undefined;
  const inner = m[2]!;
  if (/\{\{|\}\}|\{%|%\}|\{#/.test(inner)) return undefined;
  return inner.trim() === '' ? undefined : inner;
}

export function renderString(text: string, vars: Vars, opts: RenderOptions): string {
  return renderText(text, vars, opts.name, opts.host);
}

export function evalExpression(expr: string, vars: Vars, opts: RenderOptions): unknown {
  const inner = singleExpression(expr.trim()) ?? expr;
  if (inner.trim() === '') throw new TemplateError('empty expression', opts.name, undefined, opts.host);
  return unlazy(evalNative(inner, vars, opts.name, opts.host));
}

export function evalCondition(expr: string | boolean, vars: Vars, opts: RenderOptions): boolean {
  if (typeof expr === 'boolean') return expr;
  const text = expr.trim();
  if (text === '') return true; // Ansible: an empty condition is true
  const single = singleExpression(text);
  if (single !== undefined) return truthy(evalNative(single, vars, opts.name, opts.host));
  const bare = isTemplated(text) ? renderText(text, vars, opts.name, opts.host).trim() : text;
  if (bare === '') return false;
  return truthy(evalNative(bare, vars, opts.name, opts.host));
}

/** Internal: template a value, leaving lazily-templated containers as they are. */
export function templateRaw(value: unknown, vars: Vars, opts: RenderOptions): unknown {
  if (typeof value === 'string') {
    if (!isTemplated(value)) return value;
    const single = singleExpression(value);
    // every variable's value passes here (lazy.ts), so the variable that grows too big is named
    if (opts.literal) {
      // Ansible's convert_data (pyliteral.ts), except for a string-type filter's whole result
      if (single === undefined) return ansibleEvalConcat(checkRenderedSize(renderText(value, vars, opts.name, opts.host), opts.name, opts.host));
      const { value: out, filterText } = evalNativeText(single, vars, opts.name, opts.host);
      checkRenderedSize(out, opts.name, opts.host);
      return typeof out === 'string' && !filterText ? ansibleEvalConcat(out) : out;
    }
    const out = single !== undefined ? evalNative(single, vars, opts.name, opts.host) : renderText(value, vars, opts.name, opts.host);
    return checkRenderedSize(out, opts.name, opts.host);
  }
  if (Array.isArray(value)) return value.map((v) => templateRaw(v, vars, opts));
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = isTemplated(k) ? String(templateRaw(k, vars, opts)) : k;
      out[key] = templateRaw(v, vars, opts);
    }
    return out;
  }
  return value;
}

export function templateValue<T>(value: T, vars: Vars, opts: RenderOptions): T {
  return unlazy(templateRaw(value, vars, opts)) as T;
}

/** Plain data in place of lazy-vars proxies, so results can leave the template engine. */
export function unlazy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (!containsLazy(v, new Set())) return v;
  return copyPlain(v);
}

function containsLazy(v: unknown, seen: Set<unknown>): boolean {
  if (v === null || typeof v !== 'object' || seen.has(v)) return false;
  if (isLazy(v)) return true;
  seen.add(v);
  if (Array.isArray(v)) return v.some((x) => containsLazy(x, seen));
  if (isDict(v)) return Object.values(v).some((x) => containsLazy(x, seen));
  return false;
}

function copyPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyPlain);
  if (isDict(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, copyPlain(v[k])]));
  return v;
}
