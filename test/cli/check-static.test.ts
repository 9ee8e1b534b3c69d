import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Issue 14: `tsplay check` refuses what `run` refuses at load time, and checks templates and Jinja
// strings statically (syntax, filters, tests, variables), each problem as file:line:col.

const REPO = process.cwd();
function check(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/tsplay.js'), 'check', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('tsplay check: what run refuses, and templates statically', function () {
  this.timeout(180000);
  let dir: string;
  let rel: string;
  before(() => {
    dir = mkdtempSync(join(REPO, 'test/.tmp-static-'));
    rel = relative(REPO, dir);
    mkdirSync(join(dir, 'roles/web/templates'), { recursive: true });
    writeFileSync(
      join(dir, 'roles/web/index.ts'),
      [
        "import { defineRole, roleVars, v, template, command, set_fact } from '../../../../lib/index.js';",
        'export default defineRole({',
        "  name: 'web',",
        '  vars: roleVars({ web_port: v.integer(), web_root: v.string() }),',
        "  defaults: { web_port: 80, web_root: '/srv/{{ web_prot }}' },",
        '  tasks: (t) => {',
        "    t.task('facts', set_fact({ computed: 'x' }));",
        "    t.task('ask', command('echo {{ web_port }}'), { register: 'asked', changedWhen: false });",
        "    t.task('conf', template({ src: 'site.conf.njk', dest: '{{ web_root }}/site.conf' }));",
        "    t.task('typo in an arg', command('echo {{ web_rot }}'), { when: 'asked.rc == 0 and computed is defined' });",
        "    t.task('bad when', command('true'), { when: 'undeclared_flag' });",
        '  },',
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'roles/web/templates/site.conf.njk'),
      [
        'listen {{ web_port }};',
        'root {{ web_root | upper }};',
        '{% for h in groups["web"] %}server {{ hostvars[h].ip | default(h) }};{% endfor %}',
        '{% set n = namespace(count=0,) %}{% for x in "a", "b" %}{% set n.count = n.count + 1 %}{% endfor %}',
        '{% if web_port is divisibleby 2 and optional_thing is defined %}{{ optional_thing }}{% endif %}',
        'user {{ web_user }};',
        'name {{ inventory_hostname | captalize }};',
        'facts {{ ansible_default_ipv4.address }} {{ asked.stdout }} {{ item | default("") }}',
        'test {{ web_port is evenly }}',
        'from inventory {{ site_name }}',
      ].join('\n') + '\n',
    );
    writeFileSync(join(dir, 'pb.ts'), "import { playbook } from '../../lib/index.js';\nimport web from './roles/web/index.js';\nexport default playbook('p', [{ hosts: 'web', roles: [web] }]);\n");
    writeFileSync(join(dir, 'hosts.ini'), '[web]\nw1 site_name=example\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names each unknown variable, filter and test with file:line:col; guarded and built-in names pass', () => {
    const r = check([join(dir, 'pb.ts')]);
    expect(r.code, r.out + r.err).to.equal(1);
    const lines = r.out.trim().split('\n');
    const tpl = `${rel}/roles/web/templates/site.conf.njk`;
    expect(lines).to.include.members([
      `${tpl}:6:9 template ${tpl}: undefined variable 'web_user': declare it in the role's vars, set it in the play or inventory, or guard it with | default(...)`,
      `${tpl}:7:30 template ${tpl}: no filter named 'captalize'; did you mean 'capitalize'?`,
      `${tpl}:9:21 template ${tpl}: no test named 'evenly'; did you mean 'even'?`,
      `${tpl}:10:19 template ${tpl}: undefined variable 'site_name': declare it in the role's vars, set it in the play or inventory, or guard it with | default(...)`,
    ]);
    expect(r.out).to.match(new RegExp(`${rel}/roles/web/index\\.ts:2 \\(column \\d+ of the string\\) role web variable web_root: undefined variable 'web_prot'.*did you mean 'web_port'\\?`));
    expect(r.out).to.match(/index\.ts:10 \(column \d+ of the string\) task 'typo in an arg' argument: undefined variable 'web_rot'.*did you mean 'web_root'\?/);
    expect(r.out).to.match(/index\.ts:11 .*task 'bad when' option when: undefined variable 'undeclared_flag'/);
    // nothing else: the valid lines (declared vars, loops, namespace with a trailing comma, bare
    // tuples, a test argument without parentheses, guarded and built-in names) pass
    expect(lines, r.out).to.have.lengthOf(7);
    expect(r.err).to.include('7 template problems; nothing was run');
  });

  it('with -i, variables the inventory sets are known', () => {
    const r = check([join(dir, 'pb.ts'), '-i', join(dir, 'hosts.ini')]);
    expect(r.out).to.not.include("'site_name'");
    expect(r.out).to.include("'web_user'");
  });

  it('a template syntax error is reported at its line and column', () => {
    writeFileSync(join(dir, 'roles/web/templates/broken.njk'), 'ok\n{% if web_port %}\nno end\n');
    try {
      const r = check([join(dir, 'pb.ts')]);
      expect(r.code).to.equal(1);
      expect(r.out).to.match(new RegExp(`${rel}/roles/web/templates/broken\\.njk:\\d+:\\d+ template .*broken\\.njk: syntax error: .*`));
    } finally {
      rmSync(join(dir, 'roles/web/templates/broken.njk'));
    }
  });

  for (const [what, text, want] of [
    ['an empty file', '', /must export a playbook as its default export/],
    ['export default 42', 'export default 42;\n', /must export a playbook as its default export/],
    ['a plain object', "export default { name: 'x', plays: [] };\n", /must export a playbook as its default export/],
    ['a top-level await that never settles', 'await new Promise(() => {});\nexport default 1;\n', /never finished loading: a top-level await/],
  ] as const) {
    it(`refuses ${what}, as run does`, () => {
      const f = join(dir, `bad-${what.replace(/\W+/g, '-')}.ts`);
      writeFileSync(f, text);
      const r = check([f]);
      expect(r.code, r.out + r.err).to.not.equal(0);
      expect(r.err + r.out).to.match(want);
      expect(r.out).to.not.match(/^ok:/m);
    });
  }

  it('the project playbook passes', () => {
    const r = check(['playbooks/cluster.ts', '-i', 'inventory/lab/lab.ini']);
    expect(r.code, r.out + r.err).to.equal(0);
  });
});
