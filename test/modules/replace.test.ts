import { expect } from 'chai';
import { replace } from '../../lib/modules/replace.js';
import type { ReplaceArgs } from '../../lib/modules/replace.js';
import type { Case } from './harness.js';
import { runCases } from './harness.js';

// replace through the real module on real files. Expected contents and messages are what
// ansible-core 2.14's replace printed for the same file and args (`ansible localhost -c local -m replace`).

const F = 'a=1\n# start\nx=1\nx=2\n# end\nx=3\n';

const cases: Case<ReplaceArgs>[] = [
  {
    name: 'replaces every match with MULTILINE and expands \\1',
    given: { f: F },
    args: (d) => ({ path: `${d}/f`, regexp: '^x=(\\d)', replace: 'y=\\1' }),
    expect: { changed: true, result: { msg: '3 replacements made', rc: 0 }, state: { f: 'a=1\n# start\ny=1\ny=2\n# end\ny=3\n' } },
  },
  {
    name: 'after and before limit the edit to the section between them',
    given: { f: F },
    args: (d) => ({ path: `${d}/f`, regexp: '^x=(\\d)', replace: 'y=\\1', after: '# start', before: '# end' }),
    expect: { changed: true, result: { msg: '2 replacements made' }, state: { f: 'a=1\n# start\ny=1\ny=2\n# end\nx=3\n' } },
  },
  {
    name: 'before alone, with a Python named group and \\g<name>',
    given: { f: F },
    args: (d) => ({ path: `${d}/f`, regexp: '^x=(?P<n>\\d)', replace: 'w=\\g<n>', before: '# end' }),
    expect: { changed: true, result: { msg: '2 replacements made' }, state: { f: 'a=1\n# start\nw=1\nw=2\n# end\nx=3\n' } },
  },
  {
    name: 'after alone edits everything after the first match',
    given: { f: 'x\n[s]\nx\n[s]\nx\n' },
    args: (d) => ({ path: `${d}/f`, regexp: '^x$', replace: 'y', after: '\\[s\\]' }),
    expect: { changed: true, state: { f: 'x\n[s]\ny\n[s]\ny\n' } },
  },
  {
    name: 'a section pattern that does not match is ok, with Ansible\'s message, and ignores mode',
    given: { f: { content: F, mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, regexp: '^x', replace: 'z', after: 'nomatch', mode: '0600' }),
    expect: {
      changed: false,
      result: { msg: 'Pattern for before/after params did not match the given file: nomatch(?P<subsection>.*)' },
      state: { f: { content: F, mode: '0644' } },
    },
  },
  {
    name: 'no match: ok and no write',
    given: { f: F },
    args: (d) => ({ path: `${d}/f`, regexp: '^nothing', replace: 'z' }),
    expect: { changed: false, result: { msg: '' }, state: { f: F } },
  },
  {
    name: 'a match replaced by the same text is no change',
    given: { f: F },
    args: (d) => ({ path: `${d}/f`, regexp: '^x=1', replace: 'x=1' }),
    expect: { changed: false, state: { f: F } },
  },
  {
    name: 'only the mode differs: Ansible\'s attribute message',
    given: { f: { content: F, mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, regexp: '^x=1', replace: 'x=1', mode: '0600' }),
    expect: { changed: true, result: { msg: 'ownership, perms or SE linux context changed' }, state: { f: { content: F, mode: '0600' } } },
  },
  {
    name: 'content and mode both change',
    given: { f: { content: 'x\n', mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, regexp: 'x', replace: 'y', mode: '0640' }),
    expect: { changed: true, result: { msg: '1 replacements made and ownership, perms or SE linux context changed' }, state: { f: { content: 'y\n', mode: '0640' } } },
  },
  {
    name: 'no replace argument deletes the matches',
    given: { f: 'keep # comment\n' },
    args: (d) => ({ path: `${d}/f`, regexp: ' #.*$' }),
    expect: { changed: true, state: { f: 'keep\n' } },
  },
  {
    name: 'check mode with diff: reports, shows, writes nothing',
    given: { f: 'server=old\n' },
    check: true,
    diff: true,
    args: (d) => ({ path: `${d}/f`, regexp: 'old', replace: 'new' }),
    expect: { changed: true, diffContains: ['-server=old\n+server=new'], state: { f: 'server=old\n' } },
  },
  {
    name: 'writes through a symlink to its target and keeps the link',
    given: { real: 'a\n', link: { link: 'real' } },
    args: (d) => ({ path: `${d}/link`, regexp: 'a', replace: 'b' }),
    expect: { changed: true, state: { link: { link: 'real' }, real: 'b\n' } },
  },
  {
    name: 'bytes that are not UTF-8 survive an edit elsewhere',
    given: { f: Buffer.from('caf\xe9\nx\n', 'latin1') },
    args: (d) => ({ path: `${d}/f`, regexp: '^x$', replace: 'y' }),
    expect: { changed: true, state: { f: Buffer.from('caf\xe9\ny\n', 'latin1') } },
  },
  {
    name: 'backup keeps the old content',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, regexp: 'a', replace: 'b', backup: true }),
    expect: { changed: true, resultFn: (r) => expect(String(r.backup_file)).to.match(/\/f\.\d+\.[\d-]+@[\d:]+~$/), state: { f: 'b\n' } },
  },
  {
    name: 'validate rejecting the result leaves the file',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, regexp: 'a', replace: 'b', validate: 'false %s' }),
    expect: { error: /rejected the new content/, state: { f: 'a\n' } },
  },
  {
    name: 'a missing file fails with what to do',
    args: (d) => ({ path: `${d}/nope`, regexp: 'a' }),
    expect: { error: /nope does not exist; create it first/ },
  },
  {
    name: 'a directory fails clearly',
    given: { d: { dir: true } },
    args: (d) => ({ path: `${d}/d`, regexp: 'a' }),
    expect: { error: /is a directory/ },
  },
  {
    name: 'an invalid regexp names the path and the expression',
    given: { f: 'a\n' },
    args: (d) => ({ path: `${d}/f`, regexp: '([a-' }),
    expect: { error: /replace .*\/f: regexp: invalid regular expression '\(\[a-'/ },
  },
];

describe('replace module', () => runCases(replace.def, cases));
