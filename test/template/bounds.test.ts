// Issue 18: variables that double each other (a: "{{ b }}{{ b }}", b: "{{ c }}{{ c }}", ... 40
// levels) would need 2^40 characters; a rendered value is capped (MAX_RENDERED_CHARS) and the
// error names the variable, instead of the run exhausting the heap.
import { expect } from 'chai';
import { lazyVars, templateValue, TemplateError } from '../../lib/template/index.js';
import { MAX_RENDERED_CHARS } from '../../lib/template/limits.js';

describe('templating: the size of a rendered value is bounded', function () {
  this.timeout(30000);

  it('the limit is 64 Mi characters', () => expect(MAX_RENDERED_CHARS).to.equal(64 * 1024 * 1024));

  const doubling = (levels: number, join: (v: string) => string): Record<string, string> => {
    const raw: Record<string, string> = { [`v${levels}`]: 'xxxxxxxx' };
    for (let i = levels - 1; i >= 1; i--) raw[`v${i}`] = join(`v${i + 1}`);
    return raw;
  };

  for (const [form, join] of [
    ['"{{ b }}{{ b }}"', (v: string) => `{{ ${v} }}{{ ${v} }}`],
    ['"{{ b ~ b }}"', (v: string) => `{{ ${v} ~ ${v} }}`],
    ['"{{ b * 2 }}"', (v: string) => `{{ ${v} * 2 }}`],
  ] as const) {
    it(`40 levels of ${form}: a clear error naming the variable, not a heap exhausted`, () => {
      const vars = lazyVars(doubling(40, join), { host: 'h1' });
      let err: unknown;
      try {
        templateValue('{{ v1 }}', vars, { name: "argument 'msg'", host: 'h1' });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(TemplateError);
      // v17 is exactly 64 Mi characters (8 * 2^23), v16 the first over the limit
      // rendered whole ("the rendered value is ...") or refused at the '*' ("str * 2 would have ...")
      expect((err as Error).message).to.match(
        /^variable 'v16'(:1)?: host h1: (the rendered value is|str \* 2 would have) 134217728 characters, more than the 67108864 (\(64 MiB\) )?a value may have/,
      );
    });
  }

  it("one repeat past the limit ('x' * 10**9, [1] * 10**9) fails before allocating", () => {
    const vars = lazyVars({ s: 'x', l: [1] }, {});
    expect(() => templateValue('{{ s * 1000000000 }}', vars, { name: "argument 'msg'" })).to.throw(TemplateError, /argument 'msg':1: str \* 1000000000 would have 1000000000 characters, more than the 67108864 a value may have/);
    expect(() => templateValue('{{ l * 1000000000 }}', vars, { name: "argument 'msg'" })).to.throw(TemplateError, /list \* 1000000000 would have 1000000000 items/);
    expect(templateValue('{{ s * 3 }}', vars, { name: 'x' })).to.equal('xxx');
  });

  it('a chain of variables more than 100 deep is a clear error, not a stack overflow', () => {
    const chain = (n: number): Record<string, string> => {
      const raw: Record<string, string> = { [`v${n}`]: 'x' };
      for (let i = n - 1; i >= 1; i--) raw[`v${i}`] = `{{ v${i + 1} }}`;
      return raw;
    };
    expect(() => templateValue('{{ v1 }}', lazyVars(chain(5000), { host: 'h1' }), { name: 'x' })).to.throw(
      TemplateError,
      /^variable 'v101': host h1: variables nest more than 100 deep \(v1 -> v2 -> v3 -> \.\.\. -> v99 -> v100 -> v101\); make a chain of variables that refer to variables shorter$/,
    );
    expect(templateValue('{{ v1 }}', lazyVars(chain(100), {}), { name: 'x' })).to.equal('x');
  });

  it('a value right at the limit still renders', () => {
    const vars = lazyVars(doubling(24, (v) => `{{ ${v} }}{{ ${v} }}`), {});
    expect(String(templateValue('{{ v1 }}', vars, { name: 'x' })).length).to.equal(8 * 2 ** 23);
  });
});
