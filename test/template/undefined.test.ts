import path from 'node:path';
import { expect } from 'chai';
import { renderString, renderFile, evalExpression, TemplateError } from '../../lib/template/index.js';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/templates');
const vars = { d: { a: 1, n: null }, l: [1, 2], s: 'x', zero: 0 };

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('undefined values are errors naming file, line and host', () => {
  const table: [string, string, number, string][] = [
    ['output', 'a\nb={{ missing }}', 2, "undefined variable 'missing'"],
    ['attribute of a dict', '{{ d.b }}', 1, "undefined variable 'd.b' ('d' has no key 'b')"],
    ['attribute of undefined', '\n\n{{ nope.b }}', 3, "undefined variable 'nope'"],
    ['attribute of None', '{{ d.n.x }}', 1, "undefined variable 'd.n.x' ('d.n' is None)"],
    ['index out of range', '{{ l[5] }}', 1, "undefined variable 'l[5]' (index 5 is out of range: 'l' has 2 items)"],
    ['filter argument', "{{ s | replace('x', other) }}", 1, "undefined variable 'other'"],
    ['filter input', '{{ gone | upper }}', 1, "undefined variable 'gone'"],
    ['if condition', 'x\n{% if flag %}y{% endif %}', 2, "undefined variable 'flag'"],
    ['elif condition', '{% if zero %}a{% elif other %}b{% endif %}', 1, "undefined variable 'other'"],
    ['for loop source', '{% for i in items %}{{ i }}{% endfor %}', 1, "undefined variable 'items'"],
    ['inside a loop body', '{% for i in l %}\n{{ i.name }}\n{% endfor %}', 2, "undefined variable 'i.name' (int 1 has no attribute 'name')"],
    ['comparison', '{{ 1 if version > 2 else 0 }}', 1, "undefined variable 'version'"],
    ['in operator', "{{ 'a' in things }}", 1, "undefined variable 'things'"],
    ['concatenation', "{{ 'a' ~ suffix }}", 1, "undefined variable 'suffix'"],
    ['set statement', '{% set y = z %}', 1, "undefined variable 'z'"],
    ['macro argument not passed', '{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}', 1, "undefined variable 'a'"],
    ['test argument', "{{ l is superset(other) }}", 1, "undefined variable 'other'"],
    ['function name', '{{ nofunc(1) }}', 1, "undefined variable 'nofunc'"],
    ['a default value used', '{{ gone | default(other) }}', 1, "undefined variable 'other'"],
    ['the last of a chain of defaults', '{{ gone | default(other) | default(d.b) }}', 1, "undefined variable 'd.b' ('d' has no key 'b')"],
  ];
  for (const [what, tpl, line, reason] of table) {
    it(what, () => {
      const e = failure(() => renderString(tpl, vars, { name: 'roles/x/templates/t.njk', host: 'k1-master01' }));
      expect(e.message).to.equal(`roles/x/templates/t.njk:${line}: host k1-master01: ${reason}`);
      expect(e.file).to.equal('roles/x/templates/t.njk');
      expect(e.line).to.equal(line);
      expect(e.host).to.equal('k1-master01');
      expect(e.message).not.to.match(/\n|at .*\.js/);
    });
  }

  it('an included file names itself and its own line', () => {
    const e = failure(() => renderFile(path.join(fixtures, 'broken/outer.njk'), {}, { host: 'k1' }));
    expect(e.file).to.match(/broken\/inner\.njk$/);
    expect(e.line).to.equal(2);
    expect(e.message).to.match(/inner\.njk:2: host k1: undefined variable 'etcd_peer_prot'$/);
  });

  it('a syntax error names the file and line', () => {
    const e = failure(() => renderFile(path.join(fixtures, 'broken/syntax.njk'), {}, { host: 'k1' }));
    expect(e.message).to.match(/syntax\.njk:2: host k1: syntax error: /);
  });

  it('a missing template file is a TemplateError naming it', () => {
    const e = failure(() => renderFile(path.join(fixtures, 'nope.njk'), {}, {}));
    expect(e.message).to.match(/nope\.njk: template file not found$/);
  });

  it('without a host the message has none', () => {
    const e = failure(() => evalExpression('a.b', {}, { name: "task 'x' when" }));
    expect(e.message).to.equal("task 'x' when:1: undefined variable 'a'");
  });
});

describe('default, defined and undefined still work on missing values', () => {
  const table: [string, string][] = [
    ["{{ x | default('a') }}", 'a'],
    ["{{ x | d('a') }}", 'a'],
    ['{{ d.b | default(5) }}', '5'],
    ['{{ d.n.x | default(6) }}', '6'],
    ['{{ x.y.z | default(7) }}', '7'],
    ['{{ (x | default({})).y | default(1) }}', '1'],
    ["{{ l[9] | default('none') }}", 'none'],
    ['{{ x is defined }}', 'False'],
    ['{{ x is undefined }}', 'True'],
    ['{{ d.b is defined }}', 'False'],
    ['{{ x.y is defined }}', 'False'],
    ['{{ d.a is defined }}', 'True'],
    ['{{ x is not defined }}', 'True'],
    ["{% if x is defined and x %}y{% else %}n{% endif %}", 'n'],
    ["{{ d.n | default('kept') }}", ''], // None is defined: default keeps it (renders empty)
    ["{{ d.n | default('dflt', true) }}", 'dflt'],
    ["{{ zero | default(9, true) }}", '9'],
    ['{{ none_var | default(none) is none }}', 'True'],
  ];
  for (const [tpl, want] of table) {
    it(tpl, () => expect(renderString(tpl, vars, { name: 't' })).to.equal(want));
  }
});
