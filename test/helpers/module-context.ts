import { existsSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import nunjucks from 'nunjucks';
import { LocalConnection } from '../../lib/connection/local.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../../lib/modules/types.js';

// A real ModuleContext for module tests: a LocalConnection (real /bin/sh, real files) and plain
// nunjucks with throwOnUndefined standing in for lib/template (a double: the real engine adds
// Ansible filters; these tests only need variable substitution and undefined-variable errors).

export interface TestContextOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  filesDir?: string;
  templatesDir?: string;
}

export interface TestContext extends ModuleContext {
  readonly logs: string[];
  readonly facts: Record<string, unknown>;
}

export function makeContext(opts: TestContextOptions = {}): TestContext {
  const env = new nunjucks.Environment(null, { throwOnUndefined: true, autoescape: false });
  const vars = opts.vars ?? {};
  const logs: string[] = [];
  const facts: Record<string, unknown> = {};
  return {
    host: 'testhost',
    conn: new LocalConnection('testhost'),
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    become: false,
    vars,
    logs,
    facts,
    render(text: string, name: string, extra?: Record<string, unknown>): string {
      try {
        return env.renderString(text, extra ? { ...vars, ...extra } : vars);
      } catch (e) {
        throw new Error(`template ${name}: ${(e as Error).message}`);
      }
    },
    findFile(kind: 'files' | 'templates', rel: string): string {
      const dir = kind === 'files' ? opts.filesDir : opts.templatesDir;
      const p = dir ? join(dir, rel) : undefined;
      if (!p || !existsSync(p)) throw new Error(`could not find ${kind}/${rel}`);
      return p;
    },
    setFacts(f: Record<string, unknown>): void {
      Object.assign(facts, f);
    },
    log(message: string): void {
      logs.push(message);
    },
  };
}

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** Validate args against the module's schema (as the executor does), then run it. */
export async function runModule<A, R extends ModuleResult>(def: ModuleDef<A, R>, args: A, ctx: ModuleContext): Promise<R> {
  const validate = compiled.get(def.schema) ?? ajv.compile(def.schema);
  compiled.set(def.schema, validate);
  if (!validate(args)) {
    throw new Error(`${def.name}: invalid args: ${ajv.errorsText(validate.errors)}`);
  }
  return def.run(args, ctx);
}
