import { expect } from 'chai';
import { utimesSync } from 'node:fs';
import { find, globToRegExp } from '../../lib/modules/find.js';
import type { FindArgs, FoundFile } from '../../lib/modules/find.js';
import type { Case, Given } from './harness.js';
import { runCases } from './harness.js';

// find through the real module on real files. The expected selections, `examined` counts and
// messages are what ansible-core 2.14's find returned for the same tree and args
// (`ansible localhost -c local -m find -a ...`); order inside one directory follows readdir in
// both, so tests compare sets of paths.

const tree: Record<string, Given> = {
  'a.conf': 'hello\nport: 80\n',
  'b.txt': 'x\n',
  'sub/c.conf': 'y\n',
  'sub/deep/d.conf': 'z\n',
  '.hid/e.conf': 'h\n',
  '.f.conf': 'h\n',
  lnk: { link: 'sub' },
};

const paths = (d: string, r: Record<string, unknown>): string[] =>
  (r.files as FoundFile[]).map((f) => f.path.slice(d.length + 1)).sort();

const sel = (want: string[], extra: Record<string, unknown> = {}) => ({
  changed: false,
  resultFn: (r: Record<string, unknown>, d: string): void => {
    expect(paths(d, r)).to.deep.equal([...want].sort());
    expect(r.matched).to.equal(want.length);
    for (const [k, v] of Object.entries(extra)) expect(r[k], k).to.deep.equal(v);
  },
});

const cases: Case<FindArgs>[] = [
  {
    name: 'recurse with a glob: hidden names skipped, hidden directories still searched (as Ansible)',
    given: tree,
    args: (d) => ({ paths: d, patterns: '*.conf', recurse: true }),
    expect: sel(['a.conf', '.hid/e.conf', 'sub/c.conf', 'sub/deep/d.conf'], { examined: 10, msg: 'All paths examined' }),
  },
  {
    name: 'no recurse: only the top level; hidden: true adds dot names',
    given: tree,
    args: (d) => ({ paths: [d], patterns: ['*.conf'], hidden: true }),
    expect: sel(['a.conf', '.f.conf']),
  },
  {
    name: 'depth 2 with contains: a line must match from its start',
    given: tree,
    args: (d) => ({ paths: d, patterns: '*.conf', recurse: true, depth: 2, contains: 'port' }),
    expect: sel(['a.conf']),
  },
  {
    name: 'contains does not search inside a line unless read_whole_file',
    given: { f: 'a port\n' },
    args: (d) => ({ paths: d, contains: 'port' }),
    expect: sel([]),
  },
  {
    name: 'read_whole_file searches the whole text',
    given: { f: 'a port\n', g: 'none\n' },
    args: (d) => ({ paths: d, contains: 'p.rt', read_whole_file: true }),
    expect: sel(['f']),
  },
  {
    name: 'file_type any (with size only for files); a path that is not a directory is skipped with Ansible\'s message',
    given: tree,
    args: (d) => ({ paths: `${d},${d}/b.txt`, file_type: 'any' }),
    expect: {
      changed: false,
      resultFn: (r, d) => {
        expect(paths(d, r)).to.deep.equal(['a.conf', 'b.txt', 'lnk', 'sub']);
        expect(r.examined).to.equal(6);
        expect(r.msg).to.equal('Not all paths examined, check warnings for details');
        expect(r.skipped_paths).to.deep.equal({ [`${d}/b.txt`]: `'${d}/b.txt' is not a directory` });
      },
    },
  },
  {
    name: 'file_type directory and link',
    given: tree,
    args: (d) => ({ paths: d, file_type: 'directory', recurse: true }),
    expect: sel(['sub', 'sub/deep']),
  },
  {
    name: 'file_type link reports the link itself (lstat)',
    given: tree,
    args: (d) => ({ paths: d, file_type: 'link' }),
    expect: {
      changed: false,
      resultFn: (r, d) => {
        expect(paths(d, r)).to.deep.equal(['lnk']);
        const f = (r.files as FoundFile[])[0];
        expect(f).to.include({ islnk: true, isdir: false, isreg: false, mode: '0777' });
      },
    },
  },
  {
    name: 'follow descends into a linked directory',
    given: tree,
    args: (d) => ({ paths: d, patterns: 'c.conf', recurse: true, follow: true }),
    expect: sel(['lnk/c.conf', 'sub/c.conf']),
  },
  {
    name: 'excludes and use_regex (re.match: anchored at the start only)',
    given: { 'kube-a.yaml': '', 'kube-b.yaml': '', 'x-kube.yaml': '' },
    args: (d) => ({ paths: d, patterns: 'kube-', use_regex: true, excludes: '.*-b' }),
    expect: sel(['kube-a.yaml']),
  },
  {
    name: 'size: at least 1k, and negative: at most 1k',
    given: { big: 'x'.repeat(2048), small: 'x' },
    args: (d) => ({ paths: d, size: '1k' }),
    expect: sel(['big']),
  },
  {
    name: 'size negative',
    given: { big: 'x'.repeat(2048), small: 'x' },
    args: (d) => ({ paths: d, size: '-1k' }),
    expect: sel(['small']),
  },
  {
    name: 'age: older than a week, by mtime',
    given: { old: 'o', new: 'n' },
    args: (d) => {
      const t = Date.now() / 1000 - 8 * 86400;
      utimesSync(`${d}/old`, t, t);
      return { paths: d, age: '1w' };
    },
    expect: sel(['old']),
  },
  {
    name: 'get_checksum adds sha1 and the stat fields kubespray reads',
    given: { f: { content: 'abc', mode: '0640' } },
    args: (d) => ({ paths: d, get_checksum: true }),
    expect: {
      changed: false,
      resultFn: (r) => {
        const f = (r.files as FoundFile[])[0];
        expect(f).to.include({ checksum: 'a9993e364706816aba3e25717850c26c9cd0d89d', mode: '0640', isreg: true, size: 3, rusr: true, wusr: true, rgrp: true, woth: false });
        expect(f.pw_name).to.be.a('string');
        expect(f.mtime).to.be.a('number');
      },
    },
  },
  {
    name: 'names with spaces, newlines and a leading dash survive',
    given: { 'a b': '', 'l\nm': '', '-n': '' },
    args: (d) => ({ paths: d }),
    expect: sel(['-n', 'a b', 'l\nm']),
  },
  {
    name: 'check mode finds the same',
    given: tree,
    check: true,
    args: (d) => ({ paths: d, patterns: '*.txt' }),
    expect: sel(['b.txt']),
  },
  {
    name: 'a bad size fails naming it',
    given: tree,
    args: (d) => ({ paths: d, size: '10q' }),
    expect: { error: /find: failed to process size '10q'/ },
  },
];

describe('find module', () => {
  runCases(find.def, cases);
  it('globs as Python fnmatch', () => {
    expect(globToRegExp('*.conf').test('a.conf')).to.equal(true);
    expect(globToRegExp('*.conf').test('a.confx')).to.equal(false);
    expect(globToRegExp('[!a]?').test('bz')).to.equal(true);
    expect(globToRegExp('[!a]?').test('az')).to.equal(false);
    expect(globToRegExp('a+(b)').test('a+(b)')).to.equal(true);
  });
});
