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

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const B = '# BEGIN ANSIBLE MANAGED BLOCK';
const E = '# END ANSIBLE MANAGED BLOCK';

// Bytes outside the block stay as they were; a CRLF file gets a CRLF block and its CRLF markers
// are found again (ansible-core would write LF lines and add a second block).
const byteCases: Case<BlockinfileArgs>[] = [
  {
    name: 'a Latin-1 byte outside the block survives inserting the block',
    given: { f: latin1('name=caf\xe9\n\xff\n') },
    args: (d) => ({ path: `${d}/f`, block: 'x=1' }),
    expect: { changed: true, state: { f: latin1(`name=caf\xe9\n\xff\n${B}\nx=1\n${E}\n`) } },
  },
  {
    name: 'replacing a block keeps invalid bytes before and after it',
    given: { f: latin1(`\x80a\n${B}\nold\n${E}\nz\xe9\n`) },
    args: (d) => ({ path: `${d}/f`, block: 'new' }),
    expect: { changed: true, state: { f: latin1(`\x80a\n${B}\nnew\n${E}\nz\xe9\n`) } },
  },
  {
    name: 'CRLF file: the block is inserted with CRLF endings',
    given: { f: 'a\r\nb\r\n' },
    args: (d) => ({ path: `${d}/f`, block: 'x=1\ny=2' }),
    expect: { changed: true, state: { f: `a\r\nb\r\n${B}\r\nx=1\r\ny=2\r\n${E}\r\n` } },
  },
  {
    name: 'CRLF file: an existing CRLF block is found and replaced in place',
    given: { f: `a\r\n${B}\r\nold\r\n${E}\r\nz\r\n` },
    args: (d) => ({ path: `${d}/f`, block: 'new' }),
    expect: { changed: true, state: { f: `a\r\n${B}\r\nnew\r\n${E}\r\nz\r\n` } },
  },
];

describe('blockinfile module', () => {
  describe('content rules', () => runCases(blockinfile.def, contentCases));
  describe('bytes and CRLF', () => runCases(blockinfile.def, byteCases));
  describe('files, check, diff, backup, failures', () => runCases(blockinfile.def, fileCases));
});
