import type { ErrorObject } from 'ajv';
import type { RoleInstance, Vars } from '../dsl/types.js';
import type { ModuleDef, ModuleResult } from '../modules/types.js';
import { validatorFor } from './validators.js';

// Run-time validation: values also come from inventory files, -e and JavaScript callers, which
// the type checker never sees.

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The sub-schema a JSON pointer (an error's schemaPath, '#/properties/name/pattern') names. */
function schemaAt(schema: object, pointer: string): unknown {
  let node: unknown = schema;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[unescapePointer(part)];
  }
  return node;
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[unescapePointer(part)];
  }
  return node;
}

/**
 * A pattern's regex tells a user little; a string schema with a pattern carries a `description`
 * of what is allowed ("a sysctl key such as net.ipv4.ip_forward, not starting with -"), and the
 * message names it and the value given.
 */
function describePattern(e: ErrorObject, schema: object, data: unknown): string | undefined {
  const parent = schemaAt(schema, e.schemaPath.replace(/\/pattern$/, ''));
  const text = parent && typeof parent === 'object' ? (parent as { description?: unknown }).description : undefined;
  if (typeof text !== 'string') return undefined;
  return `must be ${text}; got ${JSON.stringify(valueAt(data, e.instancePath))}`;
}

function describe(e: ErrorObject, what: string, schema?: object, data?: unknown): string {
  // the JSON pointer's parts, unescaped (`a~1b` is the key `a/b`), joined with dots
  const at = e.instancePath ? e.instancePath.split('/').slice(1).map(unescapePointer).join('.') : '';
  const pattern = e.keyword === 'pattern' && schema ? describePattern(e, schema, data) : undefined;
  if (pattern) return `${what} '${at}' ${pattern}`;
  if (e.keyword === 'additionalProperties') return `unknown ${what} '${[at, String(e.params.additionalProperty)].filter(Boolean).join('.')}'`;
  if (e.keyword === 'required') return `missing ${what} '${[at, String(e.params.missingProperty)].filter(Boolean).join('.')}'`;
  if (e.keyword === 'enum') return `${what} '${at}' must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${what} '${at}' ${e.message ?? 'is invalid'}`;
}

/** Validate (and coerce) module args in place; returns error messages. */
export function validateArgs(mod: ModuleDef<unknown, ModuleResult>, args: unknown): string[] {
  const fn = validatorFor(mod.schema);
  if (fn(args)) return [];
  return (fn.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, 'argument', mod.schema, args));
}

/**
 * Validate one declared variable of a role as the role receives it; undefined when the role does
 * not declare `key`. The role's one compiled schema (ajv compiles are the cost), given only this
 * variable: errors about others (required ones not given here) are left out.
 */
export function validateRoleVar(role: RoleInstance, key: string, value: unknown): string[] | undefined {
  const schema = role.spec.vars.json as { properties?: Record<string, unknown> };
  if (!schema.properties || !Object.prototype.hasOwnProperty.call(schema.properties, key)) return undefined;
  const fn = validatorFor(role.spec.vars.json);
  if (fn({ [key]: value })) return [];
  const at = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return (fn.errors ?? []).filter((e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`)).map((e) => describe(e, 'variable'));
}
