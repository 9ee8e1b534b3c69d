// YAML inventory texts and what ansible-inventory 2.14 makes of them, in the shape of
// ini.cases.ts (FILE stands for the file's path); source-table*.test.ts use both.
import type { SourceCases } from './ini.cases.js';

export const YAML_CASES: SourceCases = {
  ext: 'yml',
  accepted: [
    ["allHosts", "all:\n  hosts:\n    h1:\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped"]},"ungrouped":{"hosts":["h1"]}}],
    ["nullGroups", "all:\n  children:\n    a:\n    b: ~\n", {"_meta":{"hostvars":{}},"all":{"children":["ungrouped","a","b"]}}],
    ["hostVarsNull", "a:\n  hosts:\n    h1: ~\n    h2: {x: 1}\n", {"_meta":{"hostvars":{"h2":{"x":1}}},"a":{"hosts":["h1","h2"]},"all":{"children":["ungrouped","a"]}}],
    ["nested", "all:\n  vars: {x: 1}\n  children:\n    a:\n      hosts: {h1: {y: 2}}\n      vars: {x: a}\n      children:\n        b:\n          hosts:\n            h2:\n", {"_meta":{"hostvars":{"h1":{"x":"a","y":2},"h2":{"x":"a"}}},"a":{"children":["b"],"hosts":["h1"]},"all":{"children":["ungrouped","a"]},"b":{"hosts":["h2"]}}],
    ["topLevelGroup", "a:\n  hosts:\n    h1:\n", {"_meta":{"hostvars":{}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
    ["rangePort", "a:\n  hosts:\n    \"h[1:2]:2222\":\n", {"_meta":{"hostvars":{"h1":{"ansible_port":2222},"h2":{"ansible_port":2222}}},"a":{"hosts":["h1","h2"]},"all":{"children":["ungrouped","a"]}}],
    ["priority", "a:\n  hosts: {h: }\n  vars: {ansible_group_priority: 2, x: a}\nb:\n  hosts: {h: }\n  vars: {x: b}\n", {"_meta":{"hostvars":{"h":{"x":"a"}}},"a":{"hosts":["h"]},"all":{"children":["ungrouped","a","b"]},"b":{"hosts":["h"]}}],
    ["sameGroupTwice", "a:\n  hosts: {h1: }\nall:\n  children:\n    a:\n      hosts: {h2: }\n", {"_meta":{"hostvars":{}},"a":{"hosts":["h1","h2"]},"all":{"children":["ungrouped","a"]}}],
    ["emptyVars", "a:\n  vars:\n  hosts:\n    h1:\n  children:\n", {"_meta":{"hostvars":{}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
    ["scalars", "a:\n  hosts:\n    h1:\n      y: n\n      Y: N\n      yes_: yes\n      on_: Off\n      t: 2001-12-14\n      o: 0644\n      h: 0x1F\n      f: 1_000.5\n      n: ~\n      s: !!str 1\n", {"_meta":{"hostvars":{"h1":{"Y":"N","f":1000.5,"h":31,"n":null,"o":420,"on_":false,"s":"1","t":"2001-12-14","y":"n","yes_":true}}},"a":{"hosts":["h1"]},"all":{"children":["ungrouped","a"]}}],
  ],
  refused: [
    ["list", "- a\n- b\n", "FILE:1: YAML inventory must be a mapping of group names; start with \"all:\" and nest hosts, vars and children under it"],
    ["plugin", "plugin: aws_ec2\n", "FILE: this is an inventory plugin configuration, not a YAML inventory (text: 'plugin'); tsplay reads static inventories only; list the hosts instead"],
    ["hostsList", "a:\n  hosts:\n    - h1\n", "FILE:3: \"hosts\" of group 'a' must be a mapping; write it as \"hosts:\" followed by indented \"name:\" entries (a list is not accepted)"],
    ["hostVarsScalar", "a:\n  hosts:\n    h1: 5\n", "FILE:3: variables of host 'h1' must be a mapping (text: 'h1'); write them as indented \"name: value\" lines under the host"],
    ["badYaml", "a:\n  hosts: [\n", "FILE:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (text: ''); fix the YAML syntax at that line"],
    ["childrenList", "a:\n  children:\n    - b\n", "FILE:3: \"children\" of group 'a' must be a mapping; write it as \"children:\" followed by indented \"name:\" entries"],
    ["varsList", "a:\n  vars:\n    - x\n", "FILE:3: \"vars\" of group 'a' must be a mapping; write it as \"vars:\" followed by indented \"name:\" entries"],
  ],
  // Ansible only warns (skipping the group or key) or reads an empty file as no hosts
  refusedByTsplay: [
    ["empty", "", "FILE: empty YAML inventory; add groups, e.g. \"all: {hosts: {k1-node01: {}}}\""],
    ["groupScalar", "a: 5\n", "FILE:1: group 'a' is not a mapping (text: 'a'); give it \"hosts:\", \"vars:\" and/or \"children:\" keys, or leave it empty"],
    ["unknownKey", "a:\n  host:\n    h1:\n", "FILE:2: unexpected key 'host' in group 'a' (text: 'host'); only \"hosts\", \"vars\" and \"children\" are valid here"],
  ],
  hostVars: [],
};
