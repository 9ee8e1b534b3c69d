// random/shuffle without a seed, and their errors (seeded results: vs-ansible.test.ts).
import { expect } from 'chai';
import { renderString } from '../../lib/template/index.js';

const r = (t: string, v: Record<string, unknown> = {}) => renderString(t, v, { name: 't.j2', host: 'h1' });

describe('random and shuffle', () => {
  it('without a seed stay in range and keep every item', () => {
    for (let i = 0; i < 20; i++) {
      const n = Number(r('{{ 10 | random(start=5) }}'));
      expect(n).to.be.within(5, 9);
    }
    expect(r('{{ [1, 2, 3] | shuffle | sort }}')).to.equal('[1, 2, 3]');
  });
  it('a seed gives the same pick every time', () => {
    expect(r("{{ 1000 | random(seed='a') }}")).to.equal(r("{{ 1000 | random(seed='a') }}"));
  });
  const errors: [string, RegExp][] = [
    ['{{ 0 | random(seed=1) }}', /^t\.j2:1: host h1: filter 'random': empty range in randrange\(0, 0\)/],
    ['{{ [] | random }}', /Cannot choose from an empty sequence/],
    ['{{ [1] | random(1) }}', /start and step can only be used with integer values/],
    ['{{ 1.5 | random }}', /random can only be used on sequences and integers/],
    ['{{ 5 | random(seed=[1]) }}', /The only supported seed types are/],
  ];
  for (const [t, re] of errors) it(t, () => expect(() => r(t)).to.throw(re));
});
