import { expect } from 'chai';
import { lineinfile } from '../../lib/modules/lineinfile.js';
import type { LineinfileArgs } from '../../lib/modules/lineinfile.js';
import type { Case, Given } from './harness.js';
import { runCases } from './harness.js';
import { lineCases } from './lineinfile.cases.js';

// Every content rule (lineinfile.cases.ts, checked against ansible-core's lineinfile where the
// two agree) through the real module, plus the file-level behaviour: create, check, diff,
// backup, symlinks, modes and failures.

const contentCases: Case<LineinfileArgs>[] = lineCases.map((c) => ({
  name: c.name,
  given: c.before === null ? {} : ({ f: c.before } as Record<string, Given>),
  args: (d) => ({ path: `${d}/f`, ...c.args }),
  expect: { changed: c.changed, state: { f: c.after === null ? { absent: true } : { content: c.after } } },
}));

const fileCases: Case<LineinfileArgs>[] = [
  {
    name: 'missing file without create fails with what to do',
    args: (d) => ({ path: `${d}/nofile`, line: 'a' }),
    expect: { error: /nofile does not exist; set create: true/ },
  },
  {
    name: 'create makes missing parent directories and applies mode',
    args: (d) => ({ path: `${d}/sub/dir/f`, line: 'a', create: true, mode: '0600' }),
    expect: { changed: true, state: { 'sub/dir/f': { content: 'a\n', mode: '0600' } } },
  },
  {
    name: 'check mode reports the change and leaves the file',
    given: { f: 'a\n' },
    check: true,
    diff: true,
    args: (d) => ({ path: `${d}/f`, line: 'b' }),
    expect: { changed: true, diffContains: [' a\n+b'], state: { f: 'a\n' } },
  },
  {
    name: 'diff shows the replaced line',
    given: { f: 'x=1\ny=2\n' },
    diff: true,
    args: (d) => ({ path: `${d}/f`, regexp: '^x=', line: 'x=5' }),
    expect: { changed: true, result: { msg: 'line replaced' }, diffContains: ['-x=1\n+x=5\n y=2'] },
  },
  {
    name: 'backup keeps the previous content beside the file',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, line: 'b', backup: true }),
    expect: {
      changed: true,
      resultFn: (r) => expect(String(r.backup_file)).to.match(/\/f\.\d+\.[\d-]+@[\d:]+~$/),
      state: { f: 'a\nb\n' },
    },
  },
  {
    name: 'edits the target of a symlink and keeps the link',
    given: { real: 'a\n', link: { link: 'real' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/link`, line: 'b' }),
    expect: { changed: true, state: { link: { link: 'real' }, real: 'a\nb\n' } },
  },
  {
    name: 'only the mode differs: mode fixed, content kept',
    given: { f: { content: 'a\n', mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, line: 'a', mode: '0600' }),
    expect: { changed: true, state: { f: { content: 'a\n', mode: '0600' } } },
  },
  {
    name: 'an invalid regexp fails naming the path and the expression',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, regexp: '([a-', line: 'x' }),
    expect: { error: /lineinfile .*\/f: regexp: invalid regular expression '\(\[a-'/ },
  },
  {
    name: 'backrefs without regexp is refused',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, line: 'x', backrefs: true }),
    expect: { error: /regexp is required with backrefs=true/ },
  },
  {
    name: 'state=present without line is refused',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, regexp: 'a' }),
    expect: { error: /line is required with state=present/ },
  },
  {
    name: 'insertafter and insertbefore together are refused',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, line: 'x', insertafter: 'a', insertbefore: 'a' }),
    expect: { error: /insertafter or insertbefore, not both/ },
  },
  {
    name: 'a directory path fails clearly',
    given: { d: { dir: true } },
    args: (d) => ({ path: `${d}/d`, line: 'x' }),
    expect: { error: /is a directory/ },
  },
  {
    name: 'validate failure leaves the file and no temp file',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, line: 'b', validate: 'false %s' }),
    expect: { error: /rejected the new content/, state: { f: 'a\n' } },
  },
];

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

// Files are edited as bytes: what a line does not touch keeps every byte (ansible-core agrees);
// regexps match UTF-8 text by character (ansible-core matches bytes: its `^k=.t` misses "k=ét").
const byteCases: Case<LineinfileArgs>[] = [
  {
    name: 'a Latin-1 byte on an untouched line survives an added line',
    given: { f: latin1('name=caf\xe9\n') },
    args: (d) => ({ path: `${d}/f`, line: 'x=1' }),
    expect: { changed: true, state: { f: latin1('name=caf\xe9\nx=1\n') } },
  },
  {
    name: 'invalid UTF-8 anywhere (lone continuation, truncated, overlong, encoded surrogate) stays byte for byte',
    given: { f: latin1('a\x80b\n\xe2\x82\n\xc0\xaf\n\xed\xa0\x80\n\xff\xfe\n') },
    args: (d) => ({ path: `${d}/f`, line: 'z', insertbefore: 'BOF' }),
    expect: { changed: true, state: { f: latin1('z\na\x80b\n\xe2\x82\n\xc0\xaf\n\xed\xa0\x80\n\xff\xfe\n') } },
  },
  {
    name: 'a regexp matches UTF-8 text by character, beside a line with a Latin-1 byte',
    given: { f: Buffer.concat([latin1('name=caf\xe9\n'), Buffer.from('k=ét\n', 'utf8')]) },
    args: (d) => ({ path: `${d}/f`, regexp: '^k=.t$', line: 'k=été' }),
    expect: { changed: true, state: { f: Buffer.concat([latin1('name=caf\xe9\n'), Buffer.from('k=été\n', 'utf8')]) } },
  },
  {
    name: 'a regexp can match a line holding an invalid byte; the replacement is the given line',
    given: { f: latin1('name=caf\xe9\nother\n') },
    args: (d) => ({ path: `${d}/f`, regexp: '^name=caf.$', line: 'name=cafe' }),
    expect: { changed: true, state: { f: latin1('name=cafe\nother\n') } },
  },
  {
    name: 'state=absent removes a line and keeps the invalid bytes of the others',
    given: { f: latin1('\xfe\xff\ndrop\n\x80\n') },
    args: (d) => ({ path: `${d}/f`, line: 'drop', state: 'absent' }),
    expect: { changed: true, state: { f: latin1('\xfe\xff\n\x80\n') } },
  },
  {
    name: 'a UTF-8 byte order mark stays',
    given: { f: Buffer.from('\ufeffa\n', 'utf8') },
    args: (d) => ({ path: `${d}/f`, line: 'b' }),
    expect: { changed: true, state: { f: Buffer.from('\ufeffa\nb\n', 'utf8') } },
  },
];

// CRLF files keep their line endings (ansible-core writes LF lines into them).
const crlfCases: Case<LineinfileArgs>[] = [
  {
    name: 'CRLF file: an added line ends in CRLF',
    given: { f: 'a=1\r\nb=2\r\n' },
    args: (d) => ({ path: `${d}/f`, line: 'c=3' }),
    expect: { changed: true, state: { f: 'a=1\r\nb=2\r\nc=3\r\n' } },
  },
  {
    name: 'CRLF file: a replaced line keeps CRLF',
    given: { f: 'a=1\r\nb=2\r\n' },
    args: (d) => ({ path: `${d}/f`, regexp: '^a=', line: 'a=9' }),
    expect: { changed: true, state: { f: 'a=9\r\nb=2\r\n' } },
  },
  {
    name: 'CRLF file: insertbefore BOF and insertafter an anchor add CRLF lines',
    given: { f: '[s]\r\nk=1\r\n' },
    args: (d) => ({ path: `${d}/f`, line: 'n=2', insertafter: '^\\[s\\]' }),
    expect: { changed: true, state: { f: '[s]\r\nn=2\r\nk=1\r\n' } },
  },
  {
    name: 'CRLF file whose last line lacks its newline: CRLF is added before the new line',
    given: { f: 'a\r\nb' },
    args: (d) => ({ path: `${d}/f`, line: 'c' }),
    expect: { changed: true, state: { f: 'a\r\nb\r\nc\r\n' } },
  },
  {
    name: 'LF file: lines stay LF',
    given: { f: 'a\nb\n' },
    args: (d) => ({ path: `${d}/f`, line: 'c', insertbefore: 'BOF' }),
    expect: { changed: true, state: { f: 'c\na\nb\n' } },
  },
];

describe('lineinfile module', () => {
  describe('bytes', () => runCases(lineinfile.def, byteCases));
  describe('CRLF files', () => runCases(lineinfile.def, crlfCases));
  describe('content rules', () => runCases(lineinfile.def, contentCases));
  describe('files, check, diff, backup, failures', () => runCases(lineinfile.def, fileCases));
});
