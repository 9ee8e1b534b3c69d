// Parsing YAML the way Ansible (PyYAML, YAML 1.1) reads it: yes/no/on/off are booleans and
// 0644 is octal — but unlike the `yaml` package's 1.1 schema, a lone y/n stays a string.

import YAML from 'yaml';
import { normInt } from './pyint.js';

const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

const pyBool = {
  identify: (v: unknown) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON|no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  resolve: (s: string) => TRUE.test(s) && !FALSE.test(s),
};

export const PY_YAML_OPTIONS = {
  version: '1.1' as const,
  // PyYAML keeps a mapping's last value for a repeated key (Ansible's loader also warns)
  uniqueKeys: false,
  customTags: (tags: YAML.Tags) => [pyBool, ...tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:bool')],
};

export function parseYaml(text: string): unknown {
  return YAML.parse(text, PY_YAML_OPTIONS);
}

export function parseYamlAll(text: string): unknown[] {
  return YAML.parseAllDocuments(text, PY_YAML_OPTIONS).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS();
  });
}

/** Ints as BigInt where a number would round them (beyond 2^53), numbers everywhere else. */
function narrowInts(v: unknown): unknown {
  if (typeof v === 'bigint') return normInt(v);
  if (Array.isArray(v)) return v.map(narrowInts);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = narrowInts(o[k]);
  }
  return v;
}

/** from_yaml: like parseYaml, but integers beyond 2^53 stay exact (as Python's ints). */
export function parseYamlExact(text: string): unknown {
  return narrowInts(YAML.parse(text, { ...PY_YAML_OPTIONS, intAsBigInt: true }));
}

export function parseYamlAllExact(text: string): unknown[] {
  return YAML.parseAllDocuments(text, { ...PY_YAML_OPTIONS, intAsBigInt: true }).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return narrowInts(d.toJS());
  });
}
