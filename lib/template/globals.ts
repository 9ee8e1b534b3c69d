// Functions templates can call by name: Jinja's range() and dict().

import { TemplateFault } from './errors.js';
import { splitKw } from './filters/types.js';
import { Namespace } from './namespace.js';
import { OMIT_TOKEN } from './omit.js';
import { runLookup, type LookupContext } from './lookups.js';
import { VARS_KEY } from './runtime.js';
import type { Vars } from './types.js';
import { isDict } from './pyvalues.js';

function range(...raw: unknown[]): number[] {
  const [args] = splitKw(raw);
  const n = args.map(Number);
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new TemplateFault('range() arg 3 must not be zero');
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  if (out.length > 1_000_000) throw new TemplateFault('range() too large');
  return out;
}

function dict(...raw: unknown[]): Record<string, unknown> {
  const [args, kw] = splitKw(raw);
  const out: Record<string, unknown> = {};
  const first = args[0];
  if (Array.isArray(first)) {
    for (const pair of first) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateFault('dict() needs a list of [key, value] pairs');
      out[String(pair[0])] = pair[1];
    }
  } else if (first && typeof first === 'object') {
    Object.assign(out, first);
  }
  return Object.assign(out, kw);
}

/** namespace(a=1) or namespace({'a': 1}, b=2), as Jinja's. */
function namespace(...raw: unknown[]): Namespace {
  const [args, kw] = splitKw(raw);
  const init: Record<string, unknown> = {};
  for (const a of args) {
    if (!isDict(a)) throw new TemplateFault('namespace() takes a dict or keyword arguments');
    Object.assign(init, a);
  }
  return new Namespace(Object.assign(init, kw));
}

/** Renders a template file for the template lookup; env.ts sets it (it owns the environment). */
let fileRenderer: ((file: string, vars: Vars) => string) | undefined;
export function setLookupRenderer(fn: (file: string, vars: Vars) => string): void {
  fileRenderer = fn;
}

/** nunjucks calls globals with its render context as `this`; the render's vars live in it. */
interface RenderContext { ctx: Record<string, unknown> }

function lookupContext(self: RenderContext): LookupContext {
  const vars = (self?.ctx?.[VARS_KEY] ?? {}) as Vars;
  return {
    vars,
    renderFile: (file, v) => {
      if (!fileRenderer) throw new TemplateFault('no template renderer for the template lookup');
      return fileRenderer(file, v);
    },
  };
}

function lookup(this: RenderContext, ...raw: unknown[]): unknown {
  return runLookup(lookupContext(this), raw, false);
}

function query(this: RenderContext, ...raw: unknown[]): unknown {
  return runLookup(lookupContext(this), raw, true);
}

export const GLOBALS: Record<string, unknown> = { range, dict, namespace, lookup, query, q: query, omit: OMIT_TOKEN };
