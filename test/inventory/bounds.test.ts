// Issue 18: an inventory entry or a --limit with a huge range (h[0:99999999]) or many nested
// ranges must fail at once with a clear error, not grow to gigabytes or overflow the stack.
import { expect } from 'chai';
import { loadInventory, selectHosts } from '../../lib/inventory/index.js';
import { expandHostnameRange, MAX_RANGE_HOSTS, MAX_RANGES_PER_NAME, RangeTooLarge } from '../../lib/inventory/ranges.js';
import { loadError, scratch } from './helpers.js';

describe('inventory: ranges are bounded', function () {
  this.timeout(20000);
  const s = scratch();
  after(() => s.cleanup());

  it(`documents its limits: ${MAX_RANGE_HOSTS} hosts per entry, ${MAX_RANGES_PER_NAME} ranges per name`, () => {
    expect([MAX_RANGE_HOSTS, MAX_RANGES_PER_NAME]).to.deep.equal([100_000, 8]);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['one huge range', '[web]\nok\nh[0:99999999]\n', /big\.ini:3: host range 'h\[0:99999999\]' expands to more than 100000 hosts, the most one entry may stand for \(text: 'h\[0:99999999\]'\); split it/],
    ['a huge range in YAML', 'all:\n  hosts:\n    "h[0:99999999]":\n', /big\.yml:3: host range 'h\[0:99999999\]' expands to more than 100000 hosts/],
    ['ranges multiplying past the limit', '[web]\nh[0:9][0:9][0:9][0:9][0:9][0:9]\n', /big\.ini:2: host range 'h\[0:9\]\[0:9\]\[0:9\]\[0:9\]\[0:9\]\[0:9\]' expands to more than 100000 hosts/],
    ['nine nested ranges', '[web]\nh[0:9][0:9][0:9][0:9][0:9][0:9][0:9][0:9][0:9]\n', /big\.ini:2: 'h(\[0:9\]){9}' has 9 \[ranges\], more than the 8 one host name may have/],
    ['a huge stepped range', '[web]\nh[0:999999999:3]\n', /big\.ini:2: host range 'h\[0:999999999:3\]' expands to more than 100000 hosts/],
  ];
  for (const [name, text, re] of cases) {
    it(`${name}: an error with file:line, at once`, async () => {
      const file = s.write(name.includes('YAML') ? 'big.yml' : 'big.ini', text);
      const err = await loadError([file]);
      // the bound's own message says it refused before expanding (no wall-clock check: a busy machine is slow)
      expect(err.message).to.match(re);
    });
  }

  it('the limits themselves are allowed: 100000 hosts, 8 ranges', () => {
    expect(expandHostnameRange('h[1:100000]')).to.have.length(100_000);
    expect(() => expandHostnameRange('h[1:100001]')).to.throw(RangeTooLarge);
    expect(expandHostnameRange('h[0:1][0:1][0:1][0:1][0:1][0:1][0:1][0:1]')).to.have.length(256);
    expect(expandHostnameRange('h[0:100000:2]')).to.have.length(50_001);
  });

  it('a long entry is cut to 80 characters in the message', () => {
    const long = `${'x'.repeat(90)}[0:99999999]`;
    expect(() => expandHostnameRange(long)).to.throw(`host range '${long.slice(0, 77)}...' expands to more than 100000 hosts`);
    const nested = `${'y'.repeat(80)}${'[0:1]'.repeat(9)}`;
    expect(() => expandHostnameRange(nested)).to.throw(`'${nested.slice(0, 77)}...' has 9 [ranges], more than the 8 one host name may have`);
    const exactly80 = `${'z'.repeat(68)}[0:99999999]`;
    expect(() => expandHostnameRange(exactly80)).to.throw(`host range '${exactly80}' expands`);
  });

  it('a range within the limits still expands', async () => {
    const inv = await loadInventory([s.write('ok.ini', '[web]\nh[1:3][a:b]\n')]);
    expect([...inv.hosts.keys()]).to.deep.equal(['h1a', 'h1b', 'h2a', 'h2b', 'h3a', 'h3b']);
  });

  it('--limit with a huge range names the option', async () => {
    const inv = await loadInventory([s.write('l.ini', '[web]\nk1-node01\n')]);
    expect(() => selectHosts(inv, 'all', { limit: 'k1-node[0:99999999]' })).to.throw(
      /^--limit k1-node\[0:99999999\]: host pattern 'k1-node\[0:99999999\]': host range 'k1-node\[0:99999999\]' expands to more than 100000 hosts/,
    );
    expect(() => selectHosts(inv, 'all', { limit: 'x[0:1][0:1][0:1][0:1][0:1][0:1][0:1][0:1][0:1]' })).to.throw(/^--limit .* has 9 \[ranges\], more than the 8/);
    expect(selectHosts(inv, 'all', { limit: 'k1-node0[1:2]' })).to.deep.equal(['k1-node01']);
  });
});
