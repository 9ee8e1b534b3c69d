import { expect } from 'chai';
import { blockinfile } from '../../lib/modules/blockinfile.js';
import type { BlockinfileArgs } from '../../lib/modules/blockinfile.js';
import type { Case, Given } from './harness.js';
import { runCases } from './harness.js';
import { blockCases } from './blockinfile.cases.js';

const contentCases: Case<BlockinfileArgs>[] = blockCases.map((c) => ({
  name: c.name,
  given: c.before === null ? {} : ({ f: c.before } as Record<string, Given>),
  args: (d) => ({ path: `${d}/f`, ...c.args }),
  expect: { changed: c.changed, state: { f: c.after === null ? { absent: true } : { content: c.after } } },
}));

const fileCases: Case<BlockinfileArgs>[] = [
  {
    name: 'missing file without create fails with what to do',
    args: (d) => ({ path: `${d}/nofile`, block: 'x' }),
    expect: { error: /nofile does not exist; set create: true/ },
  },
  {
    name: 'check mode + diff: reports the inserted block, file untouched',
    given: { f: 'a\n' },
    check: true,
    diff: true,
    args: (d) => ({ path: `${d}/f`, block: 'x=1' }),
    expect: { changed: true, diffContains: ['+# BEGIN ANSIBLE MANAGED BLOCK\n+x=1\n+# END ANSIBLE MANAGED BLOCK'], state: { f: 'a\n' } },
  },
  {
    name: 'backup and mode on change',
    given: { f: { content: 'a\n', mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, block: 'x', backup: true, mode: '0640' }),
    expect: {
      changed: true,
      result: { msg: 'Block inserted' },
      resultFn: (r) => expect(String(r.backup_file)).to.match(/\/f\.\d+\..*~$/),
      state: { f: { mode: '0640', content: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n' } },
    },
  },
  {
    name: 'an invalid insertafter regexp fails clearly',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, block: 'x', insertafter: '(' }),
    expect: { error: /insertafter: invalid regular expression '\('/ },
  },
];

describe('blockinfile module', () => {
  describe('content rules', () => runCases(blockinfile.def, contentCases));
  describe('files, check, diff, backup, failures', () => runCases(blockinfile.def, fileCases));
});
