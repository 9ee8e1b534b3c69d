// Host-pattern globs as Ansible matches them (fnmatch.translate, then re.match), and how a
// pattern string splits into terms (split_host_pattern). Each row is what Python gives; the last
// tests prove the tables with Python's fnmatch and ansible-core's own split_host_pattern.
import { expect } from 'chai';
import { ANSIBLE_PYTHON, pythonJson } from '../helpers/python.js';
import { globToRegExp, splitHostPattern } from '../../lib/inventory/patterns.js';

// every name is tried against every glob; a row lists the names the glob matches
const GLOBS: Array<[string, string[]]> = [
  ["*", ["", "!x", "&x", "*x", "-x", "/x", "0x", "?x", "[", "[!]", "[]", "[x", "\\x", "]x", "^a", "^x", "a", "a\nb", "a$", "a&&b", "a(b)", "a+b", "a-b", "a.b", "a.c", "a/b", "a[", "a[b", "a\\b", "aab", "ab", "ab\n", "ab\nc", "abc", "ax", "axb", "a{1}", "a|b", "ba", "bx", "cx", "dx", "ex", "x"]],
  ["a*", ["a", "a\nb", "a$", "a&&b", "a(b)", "a+b", "a-b", "a.b", "a.c", "a/b", "a[", "a[b", "a\\b", "aab", "ab", "ab\n", "ab\nc", "abc", "ax", "axb", "a{1}", "a|b"]],
  ["*a", ["^a", "a", "ba"]],
  ["a?c", ["a.c", "abc"]],
  ["a??", ["a\nb", "a+b", "a-b", "a.b", "a.c", "a/b", "a[b", "a\\b", "aab", "ab\n", "abc", "axb", "a|b"]],
  ["[abc]x", ["ax", "bx", "cx"]],
  ["[!abc]x", ["!x", "&x", "*x", "-x", "/x", "0x", "?x", "[x", "\\x", "]x", "^x", "dx", "ex"]],
  ["[^a]x", ["^x", "ax"]],
  ["[]]x", ["]x"]],
  ["[!]]x", ["!x", "&x", "*x", "-x", "/x", "0x", "?x", "[x", "\\x", "^x", "ax", "bx", "cx", "dx", "ex"]],
  ["[a-c]x", ["ax", "bx", "cx"]],
  ["[]-]x", ["-x", "]x"]],
  ["[!]", ["[!]"]],
  ["[", ["["]],
  ["a[", ["a["]],
  ["a[b", ["a[b"]],
  ["[]", ["[]"]],
  ["[!]x", []],
  ["**a", ["^a", "a", "ba"]],
  ["a**b", ["a\nb", "a&&b", "a+b", "a-b", "a.b", "a/b", "a[b", "a\\b", "aab", "ab", "axb", "a|b"]],
  ["a.b", ["a.b"]],
  ["a+b", ["a+b"]],
  ["a(b)", ["a(b)"]],
  ["a$", ["a$"]],
  ["^a", ["^a"]],
  ["a|b", ["a|b"]],
  ["a{1}", ["a{1}"]],
  ["a\\b", ["a\\b"]],
  ["[\\]x", ["\\x"]],
  ["a/b", ["a/b"]],
  ["a-b", ["a-b"]],
  ["[[]x", ["[x"]],
  ["[a-]x", ["-x", "ax"]],
  ["?", ["[", "a", "x"]],
  ["", [""]],
  ["[c-a]x", []],
  ["[a-c-e]x", ["-x", "ax", "bx", "cx", "ex"]],
  ["[--0]x", ["-x", "/x", "0x"]],
  ["[a-]", ["a"]],
  ["[!a-c]x", ["!x", "&x", "*x", "-x", "/x", "0x", "?x", "[x", "\\x", "]x", "^x", "dx", "ex"]],
  ["*[!a]", ["!x", "&x", "*x", "-x", "/x", "0x", "?x", "[", "[!]", "[]", "[x", "\\x", "]x", "^x", "a\nb", "a$", "a&&b", "a(b)", "a+b", "a-b", "a.b", "a.c", "a/b", "a[", "a[b", "a\\b", "aab", "ab", "ab\n", "ab\nc", "abc", "ax", "axb", "a{1}", "a|b", "bx", "cx", "dx", "ex", "x"]],
  ["[*]x", ["*x"]],
  ["[?]x", ["?x"]],
  ["a&&b", ["a&&b"]],
  ["[&&]x", ["&x"]],
  ["[\\-a]x", ["\\x", "]x", "^x", "ax"]],
  ["[z-a-c]x", ["-x", "cx"]],
  ["[!c-a]x", ["!x", "&x", "*x", "-x", "/x", "0x", "?x", "[x", "\\x", "]x", "^x", "ax", "bx", "cx", "dx", "ex"]],
  ["[a-a]x", ["ax"]],
  ["[b-a-]x", ["-x"]],
  ["[0-9a-c]x", ["0x", "ax", "bx", "cx"]],
  ["[!-]x", ["!x", "&x", "*x", "/x", "0x", "?x", "[x", "\\x", "]x", "^x", "ax", "bx", "cx", "dx", "ex"]],
];
const NAMES = GLOBS[0][1]; // '*' matches every name

const SPLITS: Array<[string | string[], string[]]> = [
  ['a:b:&c:!d', ['a', 'b', '&c', '!d']],
  ['web[1:3]:db', ['web[1:3]', 'db']],
  ['fe80::1', ['fe80::1']],
  ['[::1]', ['[::1]']],
  ['h[1:2]', ['h[1:2]']],
  [' a , b ', ['a', 'b']],
  ['a,,b', ['a', 'b']],
  ['a b', ['a', 'b']],
  ['a:b,c', ['a:b', 'c']],
  ['', []],
  [['a:b', 'c'], ['a', 'b', 'c']],
  ['~k1-(a|b)', ['~k1-(a|b)']],
  ['10.0.0.1', ['10.0.0.1']],
];

describe('host pattern globs as fnmatch matches them', () => {
  for (const [glob, matched] of GLOBS) {
    it(`${JSON.stringify(glob)} matches ${JSON.stringify(matched)}`, () => {
      const re = globToRegExp(glob);
      expect(NAMES.filter((n) => re.test(n))).to.deep.equal(matched);
    });
  }

  it("the table is what Python's fnmatch.translate and re.match give", () => {
    const py = 'import fnmatch,json,re,sys\nrows,names=json.load(sys.stdin)\nprint(json.dumps([[g,[n for n in names if re.match(fnmatch.translate(g),n)]] for g in rows]))';
    expect(pythonJson(['-c', py], [GLOBS.map(([g]) => g), NAMES])).to.deep.equal(GLOBS);
  });
});

describe('a host pattern split into terms', () => {
  for (const [pattern, terms] of SPLITS) it(`${JSON.stringify(pattern)} is ${JSON.stringify(terms)}`, () => expect(splitHostPattern(pattern)).to.deep.equal(terms));

  it("the table is what ansible-core's split_host_pattern gives", () => {
    const py = 'import json,sys\nfrom ansible.inventory.manager import split_host_pattern\nprint(json.dumps([split_host_pattern(p) for p in json.load(sys.stdin)]))';
    expect(pythonJson(['-c', py], SPLITS.map(([s]) => s), ANSIBLE_PYTHON)).to.deep.equal(SPLITS.map(([, t]) => t));
  });
});
