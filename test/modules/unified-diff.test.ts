import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { unifiedDiff } from '../../lib/util/diff.js';

// unifiedDiff against exact expected text, and against GNU diff -u on the same inputs (hunk
// headers and bodies must agree line for line; only the ---/+++ header lines differ).

const lines = (n: number, f: (i: number) => string = (i) => `line ${i}`): string =>
  Array.from({ length: n }, (_, i) => f(i + 1) + '\n').join('');

const exact: { name: string; before: string; after: string; context?: number; want: string }[] = [
  { name: 'equal texts give an empty string', before: 'a\n', after: 'a\n', want: '' },
  {
    name: 'one changed line with context',
    before: 'a\nb\nc\n',
    after: 'a\nB\nc\n',
    want: '--- before: /etc/x\n+++ after: /etc/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
  },
  { name: 'new file', before: '', after: 'x\ny\n', want: '--- before: /etc/x\n+++ after: /etc/x\n@@ -0,0 +1,2 @@\n+x\n+y\n' },
  { name: 'emptied file', before: 'x\n', after: '', want: '--- before: /etc/x\n+++ after: /etc/x\n@@ -1 +0,0 @@\n-x\n' },
  {
    name: 'missing final newline is marked',
    before: 'a\nb',
    after: 'a\nb\n',
    want: '--- before: /etc/x\n+++ after: /etc/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
  },
  {
    name: 'context 0 keeps only changed lines',
    before: 'a\nb\nc\n',
    after: 'a\nc\n',
    context: 0,
    want: '--- before: /etc/x\n+++ after: /etc/x\n@@ -2 +1,0 @@\n-b\n',
  },
];

describe('unifiedDiff', () => {
  for (const c of exact) {
    it(c.name, () => expect(unifiedDiff(c.before, c.after, { path: '/etc/x', context: c.context })).to.equal(c.want));
  }

  const vsGnu: { name: string; before: string; after: string; context?: number }[] = [
    { name: 'two far-apart changes make two hunks', before: lines(30), after: lines(30, (i) => (i === 3 || i === 25 ? `changed ${i}` : `line ${i}`)) },
    { name: 'close changes merge into one hunk', before: lines(20), after: lines(20, (i) => (i === 5 || i === 10 ? `changed ${i}` : `line ${i}`)) },
    { name: 'insertions and deletions mixed', before: 'a\nb\nc\nd\ne\nf\n', after: 'a\nx\nc\nd\ny\nz\nf\ng\n' },
    { name: 'block moved', before: lines(12), after: lines(12, (i) => `line ${i <= 4 ? i + 8 : i - 4}`) },
    { name: 'wider context', before: lines(40), after: lines(40, (i) => (i === 20 ? 'x' : `line ${i}`)), context: 5 },
    { name: 'no final newline on both sides', before: 'a\nb', after: 'a\nc' },
  ];
  for (const c of vsGnu) {
    it(`matches GNU diff -u: ${c.name}`, () => {
      const d = mkdtempSync(join(tmpdir(), 'tsplay-diff-'));
      try {
        writeFileSync(join(d, 'a'), c.before);
        writeFileSync(join(d, 'b'), c.after);
        let gnu = '';
        try {
          execFileSync('diff', [`-U${c.context ?? 3}`, join(d, 'a'), join(d, 'b')], { encoding: 'utf8' });
        } catch (e) {
          gnu = (e as { stdout: string }).stdout;
        }
        const ours = unifiedDiff(c.before, c.after, { path: 'p', context: c.context });
        const body = (t: string): string => t.split('\n').slice(2).join('\n');
        expect(body(ours)).to.equal(body(gnu));
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });
  }

  it('stays fast on a large file with a few changes', () => {
    const before = lines(20000);
    const after = lines(20000, (i) => (i % 5000 === 0 ? `edited ${i}` : `line ${i}`));
    const out = unifiedDiff(before, after, { path: 'big' });
    expect(out.match(/^@@/gm)).to.have.length(4);
  });
});
