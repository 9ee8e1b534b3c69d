import { expect } from 'chai';
import { copy } from '../../lib/modules/copy.js';
import type { CopyArgs } from '../../lib/modules/copy.js';
import type { Case, Given } from './harness.js';
import type { FileDiff } from '../../lib/modules/types.js';
import { renderDiff, runCases } from './harness.js';

const SHA1_HELLO = 'f572d396fae9206628714fb2ce00f72e94f2258f'; // sha1("hello\n")

const cases: Case<CopyArgs>[] = [
  {
    name: 'creates a file from content with mode 0644 by default',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'hello\n' }),
    expect: { changed: true, result: { checksum: SHA1_HELLO, size: 6 }, state: { 'a.conf': { content: 'hello\n', mode: '0644' } } },
  },
  {
    name: 'same content already there: no change',
    given: { 'a.conf': 'hello\n' },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'hello\n' }),
    expect: { changed: false, result: { checksum: SHA1_HELLO } },
  },
  {
    name: 'replaces different content and keeps the existing mode',
    given: { 'a.conf': { content: 'old\n', mode: '0600' } },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'new\n' }),
    expect: { changed: true, state: { 'a.conf': { content: 'new\n', mode: '0600' } } },
  },
  {
    name: 'only the mode differs: changes the mode, not the content',
    given: { 'a.conf': { content: 'hello\n', mode: '0644' } },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'hello\n', mode: '0600' }),
    diff: true,
    expect: { changed: true, diffContains: ['mode 0644 -> 0600'], state: { 'a.conf': { content: 'hello\n', mode: '0600' } } },
  },
  {
    name: 'symbolic mode u=rw,g=r,o= is resolved like chmod',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'x\n', mode: 'u=rw,g=r,o=' }),
    expect: { changed: true, result: { mode: '0640' }, state: { 'a.conf': { mode: '0640' } } },
  },
  {
    name: 'copies src from the role files/ directory',
    controller: { files: { 'app.service': '[Unit]\nDescription=app\n' } },
    args: (d) => ({ src: 'app.service', dest: `${d}/app.service`, mode: '0644' }),
    expect: { changed: true, state: { 'app.service': '[Unit]\nDescription=app\n' } },
  },
  {
    name: 'dest ending in / puts the file inside the directory under the src basename',
    given: { etc: { dir: true } },
    controller: { files: { 'app.service': 'unit\n' } },
    args: (d) => ({ src: 'app.service', dest: `${d}/etc/` }),
    expect: { changed: true, resultFn: (r, d) => expect(r.dest).to.equal(`${d}/etc/app.service`), state: { 'etc/app.service': 'unit\n' } },
  },
  {
    name: 'dest that is an existing directory receives the file inside it',
    given: { etc: { dir: true } },
    controller: { files: { 'x.txt': 'x\n' } },
    args: (d) => ({ src: 'x.txt', dest: `${d}/etc` }),
    expect: { changed: true, state: { 'etc/x.txt': 'x\n' } },
  },
  {
    name: 'force=false leaves an existing different file alone',
    given: { 'a.conf': 'mine\n' },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'theirs\n', force: false }),
    expect: { changed: false, state: { 'a.conf': 'mine\n' } },
  },
  {
    name: 'force=false still creates a missing file',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'theirs\n', force: false }),
    expect: { changed: true, state: { 'a.conf': 'theirs\n' } },
  },
  {
    name: 'check mode reports the change and writes nothing',
    given: { 'a.conf': 'old\n' },
    check: true,
    diff: true,
    args: (d) => ({ dest: `${d}/a.conf`, content: 'new\n' }),
    expect: { changed: true, diffContains: ['-old', '+new'], state: { 'a.conf': 'old\n' } },
  },
  {
    name: 'check mode on a missing file reports it would be created',
    check: true,
    args: (d) => ({ dest: `${d}/a.conf`, content: 'new\n' }),
    expect: { changed: true, state: { 'a.conf': { absent: true } } },
  },
  {
    name: 'diff shows a unified diff of the content',
    given: { 'a.conf': 'one\ntwo\nthree\n' },
    diff: true,
    args: (d) => ({ dest: `${d}/a.conf`, content: 'one\nTWO\nthree\n' }),
    expect: { changed: true, diffContains: ['--- before: ', '+++ after: ', '@@ -1,3 +1,3 @@', ' one\n-two\n+TWO\n three'] },
  },
  {
    name: 'diff of a new file shows state absent -> file',
    diff: true,
    args: (d) => ({ dest: `${d}/a.conf`, content: 'x\n' }),
    expect: { changed: true, diffContains: ['state absent -> file', '+x'] },
  },
  {
    name: 'backup keeps the old file as dest.<pid>.<timestamp>~',
    given: { 'a.conf': 'old\n' },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'new\n', backup: true }),
    expect: {
      changed: true,
      resultFn: (r, d) => expect(r.backup_file).to.match(new RegExp(`^${d}/a\\.conf\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`)),
      state: { 'a.conf': 'new\n' },
    },
  },
  {
    name: 'validate passes: the file is written',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'good\n', validate: 'grep -q good %s' }),
    expect: { changed: true, state: { 'a.conf': 'good\n' } },
  },
  {
    name: 'validate fails: old file untouched, no temp file left, clear message',
    given: { 'a.conf': 'old\n' },
    args: (d) => ({ dest: `${d}/a.conf`, content: 'bad\n', validate: 'sh -c "echo syntax error in %s >&2; exit 1"' }),
    // only the validator's own output follows the message (tsplay's rc marker is cut off)
    expect: { error: /a\.conf: validate 'sh -c "echo syntax error in %s >&2; exit 1"' rejected the new content; the file was not changed: syntax error in \S+$/, state: { 'a.conf': 'old\n' } },
  },
  {
    name: 'validate without %s is refused',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'x', validate: 'true' }),
    expect: { error: /validate must contain %s/, state: { 'a.conf': { absent: true } } },
  },
  {
    name: 'a missing src fails naming the file',
    args: (d) => ({ src: 'nope.conf', dest: `${d}/a.conf` }),
    expect: { error: /copy: source 'nope.conf' not found/ },
  },
  {
    name: 'both src and content is refused',
    controller: { files: { 'x': 'x' } },
    args: (d) => ({ src: 'x', content: 'y', dest: `${d}/a.conf` }),
    expect: { error: /exactly one of src or content/ },
  },
  {
    name: '--diff over a symlink shows the link being replaced, not its target\'s content as before',
    given: { real: 'old\n', link: { link: 'real' } } as Record<string, Given>,
    diff: true,
    args: (d) => ({ dest: `${d}/link`, content: 'new\n' }),
    expect: {
      changed: true,
      diffContains: ['+new', 'state link to real -> file'],
      resultFn: (r) => expect(renderDiff(r.diff as FileDiff[])).to.not.include('old'),
      state: { link: 'new\n', real: 'old\n' },
    },
  },
  {
    name: 'a missing parent directory fails clearly',
    args: (d) => ({ dest: `${d}/nodir/a.conf`, content: 'x' }),
    expect: { error: /nodir does not exist; create it first/ },
  },
  {
    name: 'a typo in an argument is rejected by the schema',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'x', mdoe: '0644' }) as unknown as CopyArgs,
    expect: { error: /must NOT have additional properties/ },
  },
  {
    name: 'an invalid mode is refused before anything is written',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'x', mode: '0999' }),
    expect: { error: /invalid mode '0999'/, state: { 'a.conf': { absent: true } } },
  },
  {
    name: 'content without a final newline stays byte-exact',
    args: (d) => ({ dest: `${d}/a.conf`, content: 'no newline' }),
    expect: { changed: true, result: { size: 10 }, state: { 'a.conf': 'no newline' } },
  },
];

describe('copy module', () => runCases(copy.def, cases));
