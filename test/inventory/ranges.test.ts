import { expect } from 'chai';
import { ASCII_HOSTNAME, HOSTNAME, parseAddress } from '../../lib/inventory/ranges.js';

describe('inventory: host addresses', () => {
  it('the ASCII shortcut accepts only names the full hostname rule accepts', () => {
    // a deterministic pseudo-random walk over short strings of the characters that matter
    const alphabet = 'aZ09_-.';
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const len = 1 + (next() % 8);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
      if (ASCII_HOSTNAME.test(s)) {
        accepted++;
        expect(HOSTNAME.test(s), s).to.equal(true);
      }
    }
    expect(accepted).to.be.greaterThan(1000);
  });

  it('common inventory names take the shortcut, odd ones still parse by the full rules', () => {
    for (const n of ['k1-master01', 'bench01', 'node.example.com', 'a', 'x_y1', '127.0.10.1']) expect(ASCII_HOSTNAME.test(n), n).to.equal(true);
    for (const n of ['_', 'a-', 'a_', '-a', 'a..b', 'a.']) expect(ASCII_HOSTNAME.test(n), n).to.equal(false);
    expect(parseAddress('hôte-01')).to.deep.equal({ host: 'hôte-01', port: undefined });
    expect(parseAddress('k1-node[01:05]:2222')).to.deep.equal({ host: 'k1-node[01:05]', port: 2222 });
    expect(parseAddress('a-')).to.equal(null);
  });
});
