import { expect } from 'chai';
import { formatDiff, formatRecap, maskSecrets } from '../../lib/report/index.js';
import { maskDeep } from '../../lib/report/mask.js';
import type { HostStats } from '../../lib/report/events.js';
import { ANSI } from './script.js';

const zero: HostStats = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 };

describe('recap table', () => {
  const hosts: Record<string, HostStats> = {
    'k1-node10': { ...zero, ok: 12, changed: 1234 },
    'k1-node2': { ...zero, failed: 1, ok: 4 },
    'k1-master01': { ...zero, ok: 3, changed: 1 },
  };

  it('aligns like Ansible, hosts in natural order', () => {
    expect(formatRecap(hosts)).to.equal(
      [
        'k1-master01                : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
        'k1-node2                   : ok=4    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0',
        'k1-node10                  : ok=12   changed=1234 unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
        '',
      ].join('\n'),
    );
  });

  it('widens the host column for long names, keeping every row aligned', () => {
    const long = 'etcd-member-in-a-very-long-zone-name01';
    const lines = formatRecap({ [long]: { ...zero, ok: 1 }, a: { ...zero, ok: 2 } }).trimEnd().split('\n');
    expect(lines).to.deep.equal([
      `a${' '.repeat(long.length - 1)} : ok=2    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0`,
      `${long} : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0`,
    ]);
  });

  it('colors hosts and non-zero counts only when asked, without moving columns', () => {
    expect(formatRecap(hosts)).not.to.match(ANSI);
    const colored = formatRecap(hosts, { color: true });
    expect(colored).to.include('\x1b[31mk1-node2                  \x1b[39m');
    expect(colored).to.include('\x1b[31mfailed=1   \x1b[39m');
    expect(colored).to.include('\x1b[33mk1-master01               \x1b[39m');
    expect(colored.replace(ANSI, '')).to.equal(formatRecap(hosts));
  });
});

describe('diff output', () => {
  it('renders content changes as unified hunks', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    const after = before.replace('b\n', 'B\n').replace('j\n', 'j\nk\n');
    expect(formatDiff([{ path: '/etc/hosts', before, after }])).to.equal(
      [
        '--- before: /etc/hosts',
        '+++ after: /etc/hosts',
        '@@ -1,5 +1,5 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        ' d',
        ' e',
        '@@ -8,3 +8,4 @@',
        ' h',
        ' i',
        ' j',
        '+k',
        '',
      ].join('\n'),
    );
  });

  it('shows a new file against an empty before', () => {
    expect(formatDiff([{ path: '/etc/new.conf', after: 'x=1\n' }])).to.equal(
      ['--- before: /etc/new.conf', '+++ after: /etc/new.conf', '@@ -0,0 +1 @@', '+x=1', ''].join('\n'),
    );
  });

  it('prints attribute changes as `name: before -> after` lines under the path', () => {
    const text = formatDiff([
      { path: '/etc/etcd.env', attrs: { mode: { before: '0644', after: '0600' }, owner: { before: 'root', after: 'etcd' }, size: { before: 3, after: 3 } } },
      { path: '/var/lib/etcd', attrs: { state: { before: undefined, after: 'directory' } } },
    ]);
    expect(text).to.equal(['/etc/etcd.env:', '  mode: 0644 -> 0600', '  owner: root -> etcd', '/var/lib/etcd:', '  state: (none) -> directory', ''].join('\n'));
  });

  it('prints nothing for unchanged content or no diffs', () => {
    expect(formatDiff([])).to.equal('');
    expect(formatDiff([{ path: '/x', before: 'same\n', after: 'same\n' }])).to.equal('');
  });

  it('colors added and removed lines only when asked', () => {
    const d = [{ path: '/x', before: 'a\n', after: 'b\n' }];
    expect(formatDiff(d)).not.to.match(ANSI);
    const colored = formatDiff(d, { color: true });
    expect(colored).to.include('\x1b[31m-a\x1b[39m');
    expect(colored).to.include('\x1b[32m+b\x1b[39m');
    expect(colored.replace(ANSI, '')).to.equal(formatDiff(d));
  });
});

describe('maskSecrets', () => {
  const cases: { name: string; text: string; secrets: string[]; want: string }[] = [
    { name: 'one secret, every occurrence', text: 'pw=s3cret; again s3cret', secrets: ['s3cret'], want: 'pw=********; again ********' },
    { name: 'several secrets', text: 'become hunter2 vault t0ps', secrets: ['hunter2', 't0ps'], want: 'become ******** vault ********' },
    { name: 'a secret containing another is masked whole', text: 'key=abc123', secrets: ['abc', 'abc123'], want: 'key=********' },
    { name: 'regex characters are literal', text: 'p=a.b*c(d) and axbbc', secrets: ['a.b*c(d)'], want: 'p=******** and axbbc' },
    { name: 'empty secrets are ignored', text: 'nothing to hide', secrets: ['', ''], want: 'nothing to hide' },
    { name: 'no secrets', text: 'plain', secrets: [], want: 'plain' },
    { name: 'multi-line text', text: 'line1 pw\nline2 pw', secrets: ['pw'], want: 'line1 ********\nline2 ********' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(maskSecrets(c.text, c.secrets)).to.equal(c.want));
  }
});

describe('maskDeep (what --json prints)', () => {
  it('masks strings, keys and numbers whose text is a secret, and keeps the shape and other values', () => {
    const ev = { host: 'h1', result: { rc: 0, pin: 73196541, token: 'Api-T0ken-5150', list: [73196541, 'x'], 'Api-T0ken-5150': true, port: 8080 } };
    expect(maskDeep(ev, ['73196541', 'Api-T0ken-5150'])).to.deep.equal({
      host: 'h1',
      result: { rc: 0, pin: '********', token: '********', list: ['********', 'x'], '********': true, port: 8080 },
    });
  });
});
