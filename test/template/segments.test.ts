// One-line strings with a few {{ expressions }} are rendered expression by expression (env.ts),
// so strings that differ only in their text share compiled code. The result, and any error, must
// be exactly what rendering the string as one template gives. Appending an empty `{% if %}` block
// forces that whole-template path for comparison.
import { expect } from 'chai';
import { compiledStringCount } from '../../lib/template/env.js';
import { renderString } from '../../lib/template/index.js';

const WHOLE = '{% if true %}{% endif %}';
const vars = { x: 1, y: 's', l: [1, 'a', true], d: { k: 'v', n: null }, none_val: null, f: 2.5, inventory_hostname: 'h1' };
const render = (t: string): string => renderString(t, vars, { name: 'task arg', host: 'h1' });
const failure = (t: string): string => {
  try {
    render(t);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`rendered without error: ${t}`);
};

describe('templates: one-line strings rendered expression by expression', () => {
  const same = [
    'a {{ x }} b {{ y }}',
    '{{ x }}/{{ y }}/file.txt',
    '/tmp/bench/{{ inventory_hostname }}/file12.txt',
    'bench file 7 on {{ inventory_hostname }}\n',
    'v={{ l }} d={{ d }} n={{ none_val }} k={{ d.k }} f={{ f }}',
    '{{ "}}" ~ y }} and {{ \'{{\' }}',
    '{{ y | default("q") | upper }} t {{ missing | default(x + 1) }}',
    'a } b { c {{ x }} }',
    '{{ x }}{{ x }}{{ x }}{{ x }}{{ x }}', // more expressions than the shortcut takes
  ];
  for (const t of same) {
    it(`renders ${JSON.stringify(t)} as the whole template does`, () => {
      expect(render(t)).to.equal(render(t + WHOLE));
    });
  }

  it('strings that differ only in their text share one compiled expression', () => {
    const before = compiledStringCount();
    // an expression no other test renders: compiled expressions are shared by the whole process
    for (let i = 0; i < 20; i++) expect(render(`/srv/{{ inventory_hostname ~ '-share' }}/file${i}.txt`)).to.equal(`/srv/h1-share/file${i}.txt`);
    expect(compiledStringCount() - before).to.equal(1);
  });

  it('the same expression in strings of different tasks is compiled once, and errors name each string', () => {
    const before = compiledStringCount();
    for (let i = 0; i < 20; i++) {
      const opts = { name: `copy ${i} arg dest`, host: 'h1' };
      expect(renderString(`/srv/{{ y ~ 'u5' }}/f${i}`, vars, opts)).to.equal(`/srv/su5/f${i}`);
      expect(renderString("{{ y ~ 'u0' }}", vars, opts)).to.equal('su0');
    }
    expect(compiledStringCount() - before, 'one expression at column 5, one at column 0').to.equal(2);
    for (const [expr, reason] of [['{{ nope.k }}', /nope/], ['{{ x | nofilter }}', /nofilter/], ['{{ [] | first }}', /first/], ['{{ x + }}', /syntax/]] as const) {
      for (const name of ['task one arg path', 'task two arg path']) {
        let msg = '';
        try {
          renderString(`/srv/${expr}`, vars, { name, host: 'h1' });
        } catch (e) {
          msg = (e as Error).message;
        }
        expect(msg, `${expr} as ${name}`).to.match(new RegExp(`^${name}:1: host h1: `));
        expect(msg).to.match(reason);
      }
    }
  });

  it('strings the shortcut leaves alone still render', () => {
    expect(render('a {{- " " }}b')).to.equal('a b');
    expect(render('{# c #}{{ x }}')).to.equal('1');
    expect(render('{{ x }}\n{{ y }}')).to.equal('1\ns');
    expect(render('{% raw %}{{ x }}{% endraw %} {{ x }}')).to.equal('{{ x }} 1');
  });

  it('errors are the ones the whole template gives: same message, line and host', () => {
    for (const t of ['p {{ nope }} q', 'p {{ x }} {{ d.missing.k }}', 'p {{ x + }}', 'p {{ x | nofilter }}']) {
      const got = failure(t);
      expect(got, t).to.equal(failure(t + WHOLE));
      expect(got, t).to.match(/h1|task arg/);
    }
  });
});
