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

describe('lineinfile module', () => {
  describe('content rules', () => runCases(lineinfile.def, contentCases));
  describe('files, check, diff, backup, failures', () => runCases(lineinfile.def, fileCases));
});
