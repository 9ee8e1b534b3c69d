import type { ErrorObject } from 'ajv';
import type { RoleInstance, Vars } from '../dsl/types.js';
import type { ModuleDef, ModuleResult } from '../modules/types.js';
import { validatorFor } from './validators.js';

// Run-time validation: values also come from inventory files, -e and JavaScript callers, which
// the type checker never sees.

function describe(e: ErrorObject, what: string): string {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
  if (e.keyword === 'additionalProperties') return `unknown ${what} '${[at, String(e.params.additionalProperty)].filter(Boolean).join('.')}'`;
  if (e.keyword === 'required') return `missing ${what} '${[at, String(e.params.missingProperty)].filter(Boolean).join('.')}'`;
  if (e.keyword === 'enum') return `${what} '${at}' must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${what} '${at}' ${e.message ?? 'is invalid'}`;
}

/** Validate (and coerce) module args in place; returns error messages. */
export function validateArgs(mod: ModuleDef<unknown, ModuleResult>, args: unknown): string[] {
  const fn = validatorFor(mod.schema);
  if (fn(args)) return [];
  return (fn.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, 'argument'));
}

/** Validate the vars a role receives on a host: only the role's declared variables. */
export function validateRoleVars(role: RoleInstance, vars: Vars): string[] {
  const schema = role.spec.vars.json as { properties?: Record<string, unknown> };
  const data: Vars = {};
  for (const key of Object.keys(schema.properties ?? {})) {
    if (key in vars) data[key] = vars[key];
  }
  const fn = validatorFor(role.spec.vars.json);
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => describe(e, 'variable'));
}
