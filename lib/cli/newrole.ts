import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError, parse } from './args.js';
import { newPlaybook } from './newplaybook.js';

// `tsplay new role NAME`: a typed role that type-checks, runs, and has a test.

function files(name: string, id: string, engine: string, rolesDir: string): Record<string, string> {
  const p = name.replace(/-/g, '_');
  return {
    'index.ts': `import { defineRole, roleVars, v, template, file, command } from '${engine}';
import type { Infer } from '${engine}';

// Every variable of the role, with its type: a wrong name or type in the defaults below, in
// \`${id}.with({...})\` or in \`h.vars\` is a compile error; ajv checks the merged values at run time.
export const ${id}Vars = roleVars({
  ${p}_config_dir: v.string(),
  ${p}_port: v.integer(),
  ${p}_enabled: v.boolean(),
});
export type ${cap(id)}Vars = Infer<typeof ${id}Vars>;

export default defineRole({
  name: '${name}',
  vars: ${id}Vars,
  defaults: {
    ${p}_config_dir: '/etc/${name}',
    ${p}_port: 8080,
    ${p}_enabled: true,
  },
  handlers: {
    'report ${name} change': command('true'),
  },
  tasks: (t) => {
    t.task('create config dir', file({ path: '{{ ${p}_config_dir }}', state: 'directory', mode: '0755' }));
    t.task('render ${name}.conf', template({ src: '${name}.conf.njk', dest: '{{ ${p}_config_dir }}/${name}.conf', mode: '0644' }), {
      notify: 'report ${name} change',
      when: (h) => h.vars.${p}_enabled,
    });
  },
});
`,
    [`templates/${name}.conf.njk`]: `# managed by tsplay: role ${name} on {{ inventory_hostname }}
port = {{ ${p}_port }}
`,
    'files/.keep': '',
    [TEST_KEY]: `import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRolesLocally } from '${relative(join('test', 'roles'), 'lib/testing.js').replace(/\\\\/g, '/')}';
import ${id} from '${relative(join('test', 'roles'), join(rolesDir, name, 'index.js')).replace(/\\\\/g, '/')}';

describe('role ${name}', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), '${name}-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders its config, then changes nothing on a second run', async () => {
    const role = ${id}.with({ ${p}_config_dir: join(dir, 'etc'), ${p}_port: 9090 });
    const first = await runRolesLocally([role]);
    expect(first.exitCode).to.equal(0);
    expect(readFileSync(join(dir, 'etc', '${name}.conf'), 'utf8')).to.contain('port = 9090');
    const second = await runRolesLocally([role]);
    expect(second.stats.localhost.changed).to.equal(0);
  });
});
`,
  };
}

// the test lives in the project's test/roles/, whatever --dir says
const TEST_KEY = '<test>';

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

export async function cmdNew(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, { dir: { type: 'string' } } as const);
  if (positionals[0] === 'playbook' && positionals.length === 2) return newPlaybook(positionals[1], o.dir ?? 'playbooks');
  if (positionals[0] !== 'role' || positionals.length !== 2) throw new CliError('usage: tsplay new role NAME [--dir roles] | tsplay new playbook NAME [--dir playbooks]');
  const name = positionals[1];
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new CliError(`role name '${name}': use lower-case letters, digits, - and _ (starting with a letter)`);
  const rolesDir = o.dir ?? 'roles';
  const root = join(rolesDir, name);
  if (existsSync(root)) throw new CliError(`${root} already exists; pick another name or remove it`);
  const id = name.replace(/[-_]+(.)/g, (_m, c: string) => c.toUpperCase());
  const engine = relative(root, 'lib/index.js').replace(/\\/g, '/');
  for (const [rel, text] of Object.entries(files(name, id, engine.startsWith('.') ? engine : `./${engine}`, rolesDir))) {
    const p = rel === TEST_KEY ? join('test', 'roles', `${name}.test.ts`) : join(root, rel);
    if (rel === TEST_KEY && existsSync(p)) throw new CliError(`${p} already exists; remove it or pick another role name`);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    process.stdout.write(`created ${relative(process.cwd(), p)}\n`);
  }
  process.stdout.write(`\nnext: add it to a play (roles: [${id}]), then: tsplay check playbooks/<your playbook>.ts && npm test\n`);
  return 0;
}
