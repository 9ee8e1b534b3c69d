// lookup()/query() cases for vs-ansible.test.ts, run against test/fixtures/templates/lookups
// (Ansible's loader basedir there; tsplay's playbook_dir). TSPLAY_T1/T2 are set in both.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ParityCase } from './parity-cases.js';

export const LOOKUP_DIR = fileURLToPath(new URL('../fixtures/templates/lookups', import.meta.url));
export const LOOKUP_ENV = { TSPLAY_T1: 'one', TSPLAY_T2: 'two words' };

const c = (template: string, vars: Record<string, unknown> = {}): ParityCase => ({ template, vars: { h: os.hostname(), ...vars }, basedir: LOOKUP_DIR });

export const LOOKUP_CASES: ParityCase[] = [
  c("{{ lookup('file', 'hello.txt') }}|{{ lookup('file', 'hello.txt', rstrip=False) }}|{{ lookup('ansible.builtin.file', 'plain.txt') }}|{{ lookup('file', 'data.json') | from_json | last }}"),
  c("{{ lookup('vars', 'a') }} {{ lookup('vars', 'nope', default='d') }} {{ lookup('vars', 'a', 'b') }} {{ lookup('vars', 'lst') }} {{ query('vars', 'a') }} {{ lookup('vars', 'tmpl') }} {{ lookup('vars', 'pre' ~ 'fix_' ~ 'x') }}",
    { a: 'x', b: 'y', lst: [1, 2], tmpl: '{{ a }}-t', prefix_x: 'dyn' }),
  c("{{ lookup('env', 'TSPLAY_T1') }}|{{ lookup('env', 'TSPLAY_NOPE') }}|{{ lookup('env', 'TSPLAY_NOPE', default='dd') }}|{{ lookup('env', 'TSPLAY_T1', 'TSPLAY_T2') }}|{{ q('env', 'TSPLAY_T2') }}"),
  c("{{ lookup('template', 'other.j2') }}|{{ lookup('template', 'other.j2') | checksum }}|{{ lookup('template', 'list.j2') | type_debug }}|{{ lookup('template', 'other.j2', template_vars={'name': 'tv'}) }}|{{ lookup('template', 'list.j2', convert_data=False) is string }}",
    { name: 'n1', n: 2 }),
  c("{{ lookup('pipe', 'echo hi; echo there') }}|{{ lookup('pipe', 'basename \"$PWD\"') }}|{{ lookup('pipe', 'printf \"a\\n\\n\"') }}|{{ lookup('ansible.builtin.pipe', 'echo ' ~ x) }}", { x: 'arg' }),
  c("{{ lookup('first_found', ['nope.txt', 'hello.txt']) | basename }}|{{ lookup('first_found', 'nope', 'plain.txt') | basename }}|{{ lookup('first_found', {'files': ['x.txt', 'hello.txt'], 'paths': [d ~ '/files']}) | basename }}|{{ query('first_found', ['nope'], skip=True) }}|{{ lookup('first_found', 'nope', skip=True) }}",
    { d: LOOKUP_DIR }),
  c("{{ lookup('items', [1, 2], [3]) }}|{{ query('items', [1, [2, 3]]) }}|{{ lookup('list', [1, 2]) }}|{{ lookup('list', ['a', 'b']) }}|{{ q('list', 'a', 'b') }}|{{ lookup('items', 'a', 'b') }}|{{ lookup('list') }}|{{ lookup('list', 5) }}"),
  c("{{ lookup('file', 'nope.txt', errors='ignore') }}|{{ query('file', 'nope.txt', errors='ignore') }}|{{ lookup('pipe', 'exit 3', errors='ignore') }}|{{ lookup('first_found', 'nope', errors='ignore') }}"),
  c("{{ lookup('file', 'hello.txt', 'plain.txt', wantlist=True) }}|{{ lookup('file', 'hello.txt', 'plain.txt') }}|{{ lookup('vars', 'n', wantlist=True) }}|{{ lookup('vars', 'n') + 1 }}", { n: 4 }),
  c('{% for line in lookup("file", "hello.txt").split("\\n") %}[{{ line }}]{% endfor %} {% for f in query("items", ["a", "b"]) %}{{ f }}{% endfor %}'),
];
