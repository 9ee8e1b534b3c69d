// Parsing YAML the way Ansible (PyYAML, YAML 1.1) reads it: yes/no/on/off are booleans and
// 0644 is octal — but unlike the `yaml` package's 1.1 schema, a lone y/n stays a string.

import YAML from 'yaml';

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
