import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { file } from '../../lib/modules/file.js';
import { makeContext, runModule } from '../helpers/module-context.js';
import type { FileArgs } from '../../lib/modules/file.js';
import type { Case, Given } from './harness.js';
import { runCases } from './harness.js';

const cases: Case<FileArgs>[] = [
  {
    name: 'directory: creates it with its parents and the mode',
    args: (d) => ({ path: `${d}/a/b/c`, state: 'directory', mode: '0750' }),
    expect: { changed: true, state: { 'a/b/c': { dir: true, mode: '0750' } } },
  },
  {
    name: 'directory: already there with that mode: no change',
    given: { a: { dir: true, mode: '0750' } },
    args: (d) => ({ path: `${d}/a`, state: 'directory', mode: '0750' }),
    expect: { changed: false },
  },
  {
    name: 'directory: fixes only the mode, diff shows it',
    given: { a: { dir: true, mode: '0755' } },
    diff: true,
    args: (d) => ({ path: `${d}/a`, state: 'directory', mode: '0700' }),
    expect: { changed: true, diffContains: ['mode 0755 -> 0700'], state: { a: { mode: '0700' } } },
  },
  {
    name: 'directory: a file in the way fails clearly',
    given: { a: 'x' },
    args: (d) => ({ path: `${d}/a`, state: 'directory' }),
    expect: { error: /already exists as a file; remove it first/ },
  },
  {
    name: 'directory recurse: fixes entries below even when the top already matches',
    given: { 'a/x': { content: 'x', mode: '0600' }, 'a/sub/y': { content: 'y', mode: '0644' } },
    args: (d) => ({ path: `${d}/a`, state: 'directory', mode: '0755', recurse: true }),
    expect: { changed: true, state: { a: { mode: '0755' }, 'a/x': { mode: '0755' }, 'a/sub/y': { mode: '0755' } } },
  },
  {
    name: 'directory recurse with symbolic u+X,go-w applies per entry like chmod',
    given: { a: { dir: true, mode: '0777' }, 'a/x': { content: 'x', mode: '0666' } },
    args: (d) => ({ path: `${d}/a`, state: 'directory', mode: 'u+X,go-w', recurse: true }),
    expect: { changed: true, state: { a: { mode: '0755' }, 'a/x': { mode: '0644' } } },
  },
  {
    name: 'absent: removes a directory tree',
    given: { 'a/b/c': 'x' },
    diff: true,
    args: (d) => ({ path: `${d}/a`, state: 'absent' }),
    expect: { changed: true, diffContains: ['state directory -> absent'], state: { a: { absent: true } } },
  },
  {
    name: 'absent: a missing path is fine',
    args: (d) => ({ path: `${d}/nothing`, state: 'absent' }),
    expect: { changed: false },
  },
  {
    name: 'absent: removes a symlink, not its target',
    given: { real: 'x', l: { link: 'real' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/l`, state: 'absent' }),
    expect: { changed: true, state: { l: { absent: true }, real: 'x' } },
  },
  {
    name: 'touch: creates an empty file (mode 0644)',
    args: (d) => ({ path: `${d}/t`, state: 'touch' }),
    expect: { changed: true, idempotent: false, state: { t: { content: '', mode: '0644' } } },
  },
  {
    name: 'touch: an existing file is reported changed every run (like Ansible), content kept',
    given: { t: 'keep' },
    args: (d) => ({ path: `${d}/t`, state: 'touch', mode: '0600' }),
    expect: { changed: true, idempotent: false, state: { t: { content: 'keep', mode: '0600' } } },
  },
  {
    name: 'touch in check mode: reported, nothing created',
    check: true,
    args: (d) => ({ path: `${d}/t`, state: 'touch' }),
    expect: { changed: true, state: { t: { absent: true } } },
  },
  {
    name: 'file: fixes the mode of an existing file',
    given: { f: { content: 'x', mode: '0644' } },
    args: (d) => ({ path: `${d}/f`, mode: '0400' }),
    expect: { changed: true, result: { state: 'file', mode: '0400' }, state: { f: { mode: '0400', content: 'x' } } },
  },
  {
    name: 'file: a missing path fails and says how to create it',
    args: (d) => ({ path: `${d}/f`, state: 'file' }),
    expect: { error: /is absent, cannot continue: use state=touch/ },
  },
  {
    name: 'file: follows a symlink to change the target mode',
    given: { real: { content: 'x', mode: '0644' }, l: { link: 'real' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/l`, mode: '0600' }),
    expect: { changed: true, state: { real: { mode: '0600' }, l: { link: 'real' } } },
  },
  {
    name: 'link: creates a symlink',
    given: { real: 'x' },
    diff: true,
    args: (d) => ({ path: `${d}/l`, src: `${d}/real`, state: 'link' }),
    expect: { changed: true, diffContains: ['state absent -> link'], resultFn: (r, d) => expect(r.src).to.equal(`${d}/real`) },
  },
  {
    name: 'link: relative src is relative to the link directory',
    given: { 'dir/real': 'x' },
    args: (d) => ({ path: `${d}/dir/l`, src: 'real', state: 'link' }),
    expect: { changed: true, state: { 'dir/l': { link: 'real', content: 'x' } } },
  },
  {
    name: 'link: repoints a link to a new target',
    given: { a: 'a', b: 'b', l: { link: 'a' } } as Record<string, Given>,
    args: (d) => ({ path: `${d}/l`, src: 'b', state: 'link' }),
    expect: { changed: true, state: { l: { link: 'b', content: 'b' } } },
  },
  {
    name: 'link: a missing src fails unless force',
    args: (d) => ({ path: `${d}/l`, src: 'nowhere', state: 'link' }),
    expect: { error: /link src nowhere does not exist; set force: true/ },
  },
  {
    name: 'link: force makes a dangling link',
    args: (d) => ({ path: `${d}/l`, src: 'nowhere', state: 'link', force: true }),
    expect: { changed: true, state: { l: { link: 'nowhere' } } },
  },
  {
    name: 'link: refuses to replace a regular file without force',
    given: { real: 'x', l: 'i am a file' },
    args: (d) => ({ path: `${d}/l`, src: 'real', state: 'link' }),
    expect: { error: /refusing to replace the existing file with a symlink; set force: true/, state: { l: 'i am a file' } },
  },
  {
    name: 'link: force replaces a regular file',
    given: { real: 'x', l: 'i am a file' },
    args: (d) => ({ path: `${d}/l`, src: 'real', state: 'link', force: true }),
    expect: { changed: true, state: { l: { link: 'real' } } },
  },
  {
    name: 'link: check mode changes nothing',
    given: { real: 'x' },
    check: true,
    args: (d) => ({ path: `${d}/l`, src: 'real', state: 'link' }),
    expect: { changed: true, state: { l: { absent: true } } },
  },
  {
    name: 'directory in check mode: reported, not created',
    check: true,
    args: (d) => ({ path: `${d}/newdir`, state: 'directory' }),
    expect: { changed: true, state: { newdir: { absent: true } } },
  },
  {
    name: 'an unknown owner fails naming the path',
    given: { f: 'x' },
    args: (d) => ({ path: `${d}/f`, owner: 'no-such-user-tsplay' }),
    expect: { error: /file .*\/f: could not reach state=file: .*no-such-user-tsplay/ },
  },
  {
    name: 'owner/group by name: already right is no change',
    given: { f: 'x' },
    args: (d) => ({ path: `${d}/f`, owner: 'root', group: 'root' }),
    expect: { changed: false },
  },
  {
    name: 'group by numeric gid',
    given: { f: 'x' },
    args: (d) => ({ path: `${d}/f`, group: '0' }),
    expect: { changed: false },
  },
  {
    name: 'owner and group by name change a file owned by root (diff shows both), and a rerun changes nothing',
    given: { f: 'x' },
    diff: true,
    args: (d) => ({ path: `${d}/f`, owner: 'nobody', group: 'nogroup' }),
    expect: {
      changed: true,
      result: { owner: 'nobody', group: 'nogroup' },
      resultFn: (_r, d) => expect([statSync(join(d, 'f')).uid, statSync(join(d, 'f')).gid]).to.deep.equal([65534, 65534]),
      diffContains: ['owner', 'nobody', 'group', 'nogroup'],
    },
  },
  {
    name: 'owner and group by number are the same ids as the names',
    given: { f: 'x' },
    args: (d) => ({ path: `${d}/f`, owner: '65534', group: '65534' }),
    expect: { changed: true, resultFn: (_r, d) => expect([statSync(join(d, 'f')).uid, statSync(join(d, 'f')).gid]).to.deep.equal([65534, 65534]) },
  },
  {
    name: 'a typo in state is rejected by the schema',
    args: (d) => ({ path: `${d}/f`, state: 'directroy' }) as unknown as FileArgs,
    expect: { error: /must be equal to one of the allowed values/ },
  },
];

describe('file module', () => runCases(file.def, cases));

// issue 18: find(1) takes no --, so a relative path '-delete' became find's -delete action in
// the read-only probe of recurse (under --check too) and deleted the working directory's files
describe('file module: a path that looks like an option of find', () => {
  let dir: string;
  const home = process.cwd();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-file-dash-'));
    mkdirSync(join(dir, '-delete'), { mode: 0o755 });
    writeFileSync(join(dir, '-delete', 'inside'), 'x');
    writeFileSync(join(dir, 'beside'), 'y');
    process.chdir(dir); // the local connection runs commands in the process's working dir
  });
  afterEach(() => {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  });

  it('recurse under --check reads ./-delete and deletes nothing', async () => {
    const res = await runModule(file.def, { path: '-delete', state: 'directory', recurse: true, mode: '0700' }, makeContext({ check: true }));
    expect(res.changed).to.equal(true);
    expect(existsSync(join(dir, 'beside')), 'a file beside it').to.equal(true);
    expect(existsSync(join(dir, '-delete', 'inside')), 'a file inside it').to.equal(true);
  });
});
