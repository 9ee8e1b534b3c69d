// Ansible's host pattern language. Expected hosts and order are what `ansible -i k1.ini PATTERN
// --list-hosts` (ansible-core 2.14.18) printed for the same inventory.
import { expect } from 'chai';
import { applyLimit, loadInventory, PatternError, selectHosts, selectHostsDetailed, type Inventory } from '../../lib/inventory/index.js';
import { isImplicitLocalhost, splitHostPattern } from '../../lib/inventory/patterns.js';
import { fixture, scratch } from './helpers.js';

const M = ['k1-master01', 'k1-master02', 'k1-master03'];
const N = ['k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05'];
const S = ['k1-stora.k1.test', 'k1-storb.k1.test', 'k1-storc.k1.test'];
// all: own hosts of all's children (etcd, gpu, storage), then infra's children, then theirs
const ALL = [...M, 'k1-node05', 'k1-node02', ...S, 'k1-lb', 'k1-node01', 'k1-node03', 'k1-node04', 'k1-rr'];

const table: Array<[string, string[]]> = [
  ['all', ALL],
  ['*', ALL],
  ['al*', ALL], // a glob matching the group 'all'
  ['kube-node', N],
  ['kube-master,kube-node', [...M, ...N]],
  ['kube-node:kube-master', [...N, ...M]],
  [' kube-node , etcd ', [...N, ...M]],
  ['k1-lb,k1-lb,lbs', ['k1-lb']],
  ['k8s-cluster:!kube-master', [...N, 'k1-rr']],
  ['!kube-master:k8s-cluster', [...N, 'k1-rr']], // exclusions always run last
  ['k8s-cluster:&etcd', M],
  ['&etcd:kube-node:kube-master', M], // intersections run after every union term
  ['!kube-master', ALL.filter((h) => !M.includes(h))], // only exclusions: starts from all
  ['&etcd', M],
  ['kube-node:!gpu:kube-master', ['k1-node01', 'k1-node03', 'k1-node04', ...M]],
  ['kube-node,!k1-node01', N.slice(1)],
  ['k1-node*', N],
  ['k1-node0?', N],
  ['k1-*', ['k1-lb', ...M, ...N, 'k1-rr', ...S]], // host globs follow inventory order
  ['kube*', [...M, ...N]],
  ['*-master*', M],
  ['k1-node0[!3]', ['k1-node01', 'k1-node02', 'k1-node04', 'k1-node05']],
  ['k1-stor[ab].k1.test', S.slice(0, 2)],
  ['~k1-(master|node)0[12]', ['k1-master01', 'k1-master02', 'k1-node01', 'k1-node02']],
  ['~node', []], // a regex is matched from the start of the name
  ['~K1', []], // and case-sensitively
  ['K1-NODE01', []],
  ['kube-node[0]', ['k1-node01']],
  ['kube-node[-1]', ['k1-node05']],
  ['kube-node[1:3]', ['k1-node02', 'k1-node03', 'k1-node04']], // inclusive end
  ['kube-node[2:]', ['k1-node03', 'k1-node04', 'k1-node05']],
  ['kube-node[0:0]', ['k1-node01']],
  ['kube-node[9:12]', []],
  ['kube-node[:2]', []], // 2.14 has no [:b] subscript: it is read as a glob and matches nothing
  ['k*[0:4]', [...M, 'k1-node01', 'k1-node02']],
  ['gpu:etcd[1]', ['k1-node05', 'k1-node02', 'k1-master02']],
  // Ansible 2.14 reads this as a subscript of a name 'k1-node0' and matches nothing; tsplay reads
  // a range-shaped pattern whose base matches nothing as the inventory range it looks like
  ['k1-node0[1:2]', ['k1-node01', 'k1-node02']],
  ['k1-node0[1]', []],
  ['infra', ['k1-lb', ...M, ...N, 'k1-rr']],
  ['ungrouped', []],
  ['k1-rr', ['k1-rr']],
  ['k1-rr:2222', []], // read as one host:port term, which names no host
  ['localhost', ['localhost']], // implicit localhost
  ['127.0.0.1', ['127.0.0.1']],
  ['nosuch', []],
  ['nosuch,kube-master', M],
  ['k1-node0?:k1-node01', N], // a host already selected is not added twice
  ['kube-master:kube-master', M],
  ['*master*', M], // a glob matching the group and its hosts
  ['~kube', [...M, ...N]],
  ['~k1-node0[12]', N.slice(0, 2)], // a regex has no subscript
  ['kube-node[-5]', ['k1-node01']],
  ['etcd:&nosuch', []],
  ['all:nosuch', ALL],
  ['&etcd:&kube-node', []],
  ['k1-stor?.k1.test', S],
  ['*.k1.test', S],
  ['kube-node[0:]', N],
  ['kube-node[1-2]', ['k1-node02', 'k1-node03']], // the removed [x-y] form still selects, with a warning
  ['kube-node[3:1]', []],
  ['kube-node:!kube-node', []],
  ['!nosuch', ALL],
  ['gpu[0]:gpu[-1]', ['k1-node05', 'k1-node02']],
  ['k*', [...M, ...N, 'k1-rr', 'k1-lb', ...S]], // groups first (kube-master, kube-node), then hosts
  ['infra:&k1-*', ['k1-lb', ...M, ...N, 'k1-rr']],
  ['k1-[ln]*', ['k1-lb', ...N]],
];

// the warnings `ansible -i k1.ini PATTERN --list-hosts` printed (besides its group-name one)
const warned: Array<[string, string[]]> = [
  ['all', []],
  ['nosuch', ['Could not match supplied host pattern, ignoring: nosuch']],
  ['etcd:&nosuch', ['Could not match supplied host pattern, ignoring: nosuch']],
  ['!nosuch:nosuch', ['Could not match supplied host pattern, ignoring: nosuch']],
  ['kube-node[1-2]', ['Use [x:y] inclusive subscripts instead of [x-y] which has been removed']],
  ['kube-node[1:2]', []],
  ['&etcd:&kube-node', []],
  ['localhost', []],
];

describe('inventory: host patterns (k1.ini)', () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory([fixture('k1.ini')]);
  });
  for (const [pattern, hosts] of table) {
    it(`${JSON.stringify(pattern)} -> ${hosts.length} hosts`, () => {
      expect(selectHosts(inv, pattern)).to.deep.equal(hosts);
    });
  }

  it('accepts a list of patterns', () => {
    expect(selectHosts(inv, ['gpu', 'kube-master:!k1-master02'])).to.deep.equal(['k1-node05', 'k1-node02', 'k1-master01', 'k1-master03']);
  });

  it('warns about a term that matches nothing, like Ansible', () => {
    expect(selectHostsDetailed(inv, 'nosuch,kube-master').warnings).to.deep.equal(['Could not match supplied host pattern, ignoring: nosuch']);
  });

  for (const [pattern, warnings] of warned) {
    it(`${JSON.stringify(pattern)} warns ${JSON.stringify(warnings)}`, () => expect(selectHostsDetailed(inv, pattern).warnings).to.deep.equal(warnings));
  }

  it('knows which results are the implicit localhost', () => {
    expect(isImplicitLocalhost(inv, 'localhost')).to.equal(true);
    expect(isImplicitLocalhost(inv, 'k1-lb')).to.equal(false);
  });

  it('an out-of-range index is an error naming the pattern and the valid range', () => {
    expect(() => selectHosts(inv, 'kube-node[5]')).to.throw(PatternError, /kube-node\[5\].*0 to 4/);
  });

  it('a negative index past the first host is the same error', () => {
    expect(() => selectHosts(inv, 'kube-node[-6]')).to.throw(PatternError, "no hosts matched the subscripted pattern 'kube-node[-6]': it matches 5 host(s), so use an index from 0 to 4 (or -1 for the last)");
  });

  it("a lone '&' or '!' is an error saying what is missing", () => {
    expect(() => selectHosts(inv, 'kube-node:&')).to.throw(PatternError, "empty host pattern after '&'; write a host or group name after '&'");
    expect(() => selectHosts(inv, 'kube-node:!')).to.throw(PatternError, "empty host pattern after '!'; write a host or group name after '!'");
  });

  it('the invalid-regex error says what to fix', () => {
    expect(() => selectHosts(inv, '~(')).to.throw(PatternError, "invalid host pattern '~(': not a valid regular expression; fix the pattern");
  });

  it('an empty pattern is an error, not every host', () => {
    expect(() => selectHosts(inv, ' , ')).to.throw(PatternError, /empty host pattern/);
  });

  it('an invalid regex is a PatternError, not a crash', () => {
    expect(() => selectHosts(inv, '~k1-(')).to.throw(PatternError, /invalid host pattern '~k1-\('/);
  });

  const splits: Array<[string, string[]]> = [
    ['a,b:c', ['a', 'b:c']], // commas win: colons are not split then
    ['a:!b:&c', ['a', '!b', '&c']],
    ['k1-node[01:03]:kube-master', ['k1-node[01:03]', 'kube-master']],
    ['fe80::1', ['fe80::1']],
    ['[::1]:22', ['[::1]:22']],
    ['web:22', ['web:22']],
  ];
  for (const [p, terms] of splits) {
    it(`splits ${JSON.stringify(p)} into ${JSON.stringify(terms)}`, () => {
      expect(splitHostPattern(p)).to.deep.equal(terms);
    });
  }
});

describe('inventory: --limit', () => {
  let inv: Inventory;
  const s = scratch();
  before(async () => {
    inv = await loadInventory([fixture('k1.ini')]);
  });
  after(() => s.cleanup());

  const limits: Array<[string, string, string[]]> = [
    ['k8s-cluster', 'kube-node', N],
    ['k8s-cluster', 'k1-node0[1:2]', ['k1-node01', 'k1-node02']],
    ['k8s-cluster', 'k1-master01,k1-node0[1:2]', ['k1-master01', 'k1-node01', 'k1-node02']],
    ['k8s-cluster', 'k1-node*:!gpu', ['k1-node01', 'k1-node03', 'k1-node04']],
    ['kube-node', 'gpu', ['k1-node02', 'k1-node05']], // keeps the play's order, not the limit's
    ['all', 'kube-master[0],k1-rr', ['k1-master01', 'k1-rr']],
    ['kube-node', '!k1-node03', ['k1-node01', 'k1-node02', 'k1-node04', 'k1-node05']],
  ];
  for (const [pattern, limit, hosts] of limits) {
    it(`hosts ${JSON.stringify(pattern)} --limit ${JSON.stringify(limit)}`, () => {
      expect(selectHosts(inv, pattern, { limit })).to.deep.equal(hosts);
      expect(applyLimit(inv, selectHosts(inv, pattern), limit)).to.deep.equal(hosts);
    });
  }

  it('reads @file.retry relative to cwd, one pattern per line', () => {
    expect(applyLimit(inv, selectHosts(inv, 'all'), '@limit.retry', fixture())).to.deep.equal(['k1-master01', 'k1-node03']);
    expect(selectHosts(inv, 'k8s-cluster', { limit: '@limit.retry', cwd: fixture() })).to.deep.equal(['k1-master01', 'k1-node03']);
  });

  it('a line of a limit file is one pattern: commas are not split', () => {
    s.write('comma.retry', 'k1-node01,k1-node02\n');
    expect(applyLimit(inv, N, '@comma.retry', s.dir)).to.deep.equal([]);
  });

  it('a limit file that is a directory is an error naming it', () => {
    expect(() => applyLimit(inv, N, '@.', s.dir)).to.throw(PatternError, "limit file '@.' is a directory; name a file with one host pattern per line");
  });

  it('blank lines and spaces around a limit file\'s patterns are ignored', () => {
    s.write('spaced.retry', '\n  k1-node01  \n\n\tk1-node03\n');
    expect(applyLimit(inv, N, '@spaced.retry', s.dir)).to.deep.equal(['k1-node01', 'k1-node03']);
  });

  it('a missing limit file is an error naming it', () => {
    expect(() => applyLimit(inv, N, '@nope.retry', s.dir)).to.throw(PatternError, /nope\.retry/);
  });
});
