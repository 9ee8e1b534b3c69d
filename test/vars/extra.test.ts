import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseExtraVars, ExtraVarsError } from '../../lib/vars/extra.js';

describe('parseExtraVars', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsplay-extra-'));
    fs.writeFileSync(path.join(dir, 'vars.yml'), 'drain_timeout: 360s\nserial: 2\nflag: yes\nlist: [a, b]\n');
    fs.writeFileSync(path.join(dir, 'vars.json'), '{"n": 1, "nested": {"k": true}}');
    fs.writeFileSync(path.join(dir, 'bad.yml'), 'a: [1, 2\nb: 3\n');
    fs.writeFileSync(path.join(dir, 'list.yml'), '- a\n- b\n');
    fs.writeFileSync(path.join(dir, 'empty.yml'), '');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const table: [string, string[], Record<string, unknown>][] = [
    ['key=value pairs stay strings', ['n=5 flag=true name=etcd'], { n: '5', flag: 'true', name: 'etcd' }],
    ['quoted values keep their spaces', [`msg="hello world" other='a b'`], { msg: 'hello world', other: 'a b' }],
    ['only the first = splits', ['opts=a=b'], { opts: 'a=b' }],
    ['empty value', ['x='], { x: '' }],
    ['escapes decode', ['s=a\\nb'], { s: 'a\nb' }],
    // what ansible-playbook 2.14 gives for each (extra-ansible.test.ts checks them side by side)
    ['python escapes as Ansible decodes them', ['a=x\\ty\\\\z\\aw\\bq\\fe\\vr\\rt b=\\x41\\x7a c=caf\\u00e9 d=\\U0001F600'], { a: 'x\ty\\z\x07w\bq\fe\vr\rt', b: 'Az', c: 'café', d: '\u{1F600}' }],
    ['quotes escaped inside quotes', [`q="it\\'s" r='say \\"hi\\"'`], { q: "it's", r: 'say "hi"' }],
    ['octal and unknown escapes stay as written', ['o=\\101\\7 u=a\\d+'], { o: '\\101\\7', u: 'a\\d+' }],
    ['jinja stays one value', ['v={{ a | default(1) }}'], { v: '{{ a | default(1) }}' }],
    // as ansible-playbook 2.14 gives them (extra-ansible.test.ts)
    ['empty quotes, quotes inside a value, padding inside quotes', [`e='' m=a"b c"d p=' x '`], { e: '', m: 'a"b c"d', p: ' x ' }],
    ['JSON dict is typed', ['{"n": 5, "l": [1, 2], "b": true}'], { n: 5, l: [1, 2], b: true }],
    ['YAML flow dict is typed', ['{n: 5, b: yes}'], { n: 5, b: true }],
    ['@file.yml', ['@vars.yml'], { drain_timeout: '360s', serial: 2, flag: true, list: ['a', 'b'] }],
    ['@file.json', ['@vars.json'], { n: 1, nested: { k: true } }],
    ['later -e wins per top-level key', ['@vars.json', 'n=2', '{"nested": {"j": 1}}'], { n: '2', nested: { j: 1 } }],
    ['empty argument is ignored', ['', 'a=1'], { a: '1' }],
  ];
  for (const [what, args, want] of table) {
    it(what, () => expect(parseExtraVars(args, dir)).to.deep.equal(want));
  }

  const errors: [string, string[], RegExp][] = [
    ['missing file', ['@nope.yml'], /-e #1: file not found: .*nope\.yml/],
    // ansible-playbook: "Invalid extra vars data supplied. '@empty.yml' could not be made into a dictionary"
    ['an empty file is refused, as Ansible does', ['@empty.yml'], /-e #1: .*empty\.yml is empty: Ansible refuses it too/],
    ['invalid YAML names the file and line', ['@bad.yml'], /-e #1: .*bad\.yml:\d+: invalid YAML\/JSON/],
    ['a file that is not a mapping', ['@list.yml'], /list\.yml must hold a mapping/],
    ['a path without @', ['./vars.yml'], /prefix it with @ \(-e @\.\/vars\.yml\)/],
    ['a bare word', ['a=1', 'oops'], /-e #2: 'oops' is not key=value/],
    ['an unterminated quote', [`a="b c`], /unterminated " quote/],
    ['invalid JSON', ['{"a": '], /-e #1: invalid JSON\/YAML/],
    ['a JSON list', ['[1, 2]'], /must be a dict/],
    ['a bad variable name', ['my-var=1'], /'my-var' is not a valid variable name/],
  ];
  for (const [what, args, re] of errors) {
    it(`error: ${what}`, () => expect(() => parseExtraVars(args, dir)).to.throw(ExtraVarsError, re));
  }
});
