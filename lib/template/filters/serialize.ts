// to_json / to_nice_json / to_yaml / to_nice_yaml and their from_* inverses.

import { parseYamlAllExact, parseYamlExact } from '../yaml-load.js';
import { TemplateFault } from '../errors.js';
import { parseJsonExact } from '../pyint.js';
import { pyJsonDumps } from '../pyjson.js';
import { pyYamlDump } from '../pyyaml.js';
import { truthy, typeName } from '../pyvalues.js';
import { arg, type FilterFn } from './types.js';

function text(v: unknown, filter: string): string {
  if (typeof v !== 'string') throw new TemplateFault(`${filter} needs a string, got ${typeName(v)}`);
  return v;
}

export const SERIALIZE_FILTERS: Record<string, FilterFn> = {
  to_json: (v, _a, kw) => pyJsonDumps(v, {
    indent: (kw.indent as number | undefined) ?? null,
    sortKeys: truthy(kw.sort_keys ?? false),
    ensureAscii: truthy(kw.ensure_ascii ?? true),
  }),
  to_nice_json: (v, a, kw) => pyJsonDumps(v, {
    indent: Number(arg(a, kw, 0, 'indent', 4)),
    sortKeys: truthy(arg(a, kw, 1, 'sort_keys', true)),
    ensureAscii: truthy(kw.ensure_ascii ?? true),
  }),
  tojson: (v, a, kw) => pyJsonDumps(v, { indent: (arg(a, kw, 0, 'indent') as number | undefined) ?? null, sortKeys: true }),
  from_json: (v) => {
    try {
      return parseJsonExact(text(v, 'from_json'));
    } catch (e) {
      throw new TemplateFault(`invalid JSON: ${(e as Error).message}`);
    }
  },
  to_yaml: (v, _a, kw) => pyYamlDump(v, {
    indent: Number(kw.indent ?? 2),
    flow: kw.default_flow_style === false ? 'never' : 'auto',
    sortKeys: truthy(kw.sort_keys ?? true),
  }),
  to_nice_yaml: (v, a, kw) => pyYamlDump(v, {
    indent: Number(arg(a, kw, 0, 'indent', 4)),
    flow: 'never',
    sortKeys: truthy(kw.sort_keys ?? true),
  }),
  // as Ansible's: anything not a string is returned as it is
  from_yaml: (v) => {
    if (typeof v !== 'string') return v;
    try {
      return parseYamlExact(text(v, 'from_yaml'));
    } catch (e) {
      throw new TemplateFault(`invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  },
  from_yaml_all: (v) => {
    if (typeof v !== 'string') return v;
    try {
      return parseYamlAllExact(text(v, 'from_yaml_all'));
    } catch (e) {
      throw new TemplateFault(`invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  },
};
