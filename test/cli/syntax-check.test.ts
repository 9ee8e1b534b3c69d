import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, relative } from 'node:path';

// `run --syntax-check` checks and connects nowhere; role keys that the role does not declare
// fail the run when it loads, before any host is touched (issue 10).

function tsplay(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tsplay.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (e, out, err) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out, err });
    });
  });
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const ROLE = `import { copy, defineRole, roleVars, v } from '../../../../lib/index.js';

export const myappVars = roleVars({ myapp_port: v.integer(), myapp_dir: v.string() });

export default defineRole({
  name: 'myapp',
  vars: myappVars,
  defaults: { myapp_port: 8080, myapp_dir: '{{ out }}' },
  tasks: (t) => {
    t.task('config', copy({ dest: '{{ myapp_dir }}/{{ inventory_hostname }}.conf', content: 'port={{ myapp_port }}\\n' }));
  },
});
`;

// The same role with a misspelled default and a role var it does not declare (a plain object
// literal type-checks only through the cast, as JavaScript callers and spreads would)
const BAD_ROLE = ROLE.replace("defaults: { myapp_port: 8080, myapp_dir: '{{ out }}' },", "defaults: { myapp_port: 8080, myapp_dri: '{{ out }}' } as never,\n  roleVars: { MYAPP_PORT: 1 } as never,");

function playbookWith(roleImport: string, params: string): string {
  return `import { playbook, copy } from '../../lib/index.js';
import myapp from '${roleImport}';

export default playbook('syntax', [
  {
    hosts: 'all',
    gatherFacts: false,
    roles: [myapp.with(${params})],
    tasks: (t) => void t.task('marker', copy({ dest: '{{ out }}/{{ inventory_hostname }}.ran', content: 'ran\\n' })),
  },
]);
`;
}

describe('tsplay run --syntax-check and unknown role keys', function () {
  this.timeout(120000);
  let dir: string;
  let rel: string;
  let out: string;
  let server: Server;
  let port = 0;
  let contacts = 0;

  before(async () => {
    dir = mkdtempSync(join(process.cwd(), 'test/.tmp-syntax-'));
    rel = relative(process.cwd(), dir);
    out = join(dir, 'out');
    mkdirSync(out);
    mkdirSync(join(dir, 'roles/myapp'), { recursive: true });
    mkdirSync(join(dir, 'roles/badapp'), { recursive: true });
    writeFileSync(join(dir, 'roles/myapp/index.ts'), ROLE);
    writeFileSync(join(dir, 'roles/badapp/index.ts'), BAD_ROLE);
    writeFileSync(join(dir, 'ok.ts'), playbookWith('./roles/myapp/index.js', '{ myapp_port: 9000 }'));
    writeFileSync(join(dir, 'typo.ts'), playbookWith('./roles/myapp/index.js', '{ myapp_prot: 9000 } as never'));
    writeFileSync(join(dir, 'badrole.ts'), playbookWith('./roles/badapp/index.js', '{}'));
    writeFileSync(join(dir, 'typo-literal.ts'), playbookWith('./roles/myapp/index.js', '{ myapp_prot: 9000 }'));
    // anything that tries to reach web1 is counted here; web2's name resolves nowhere
    server = createServer((s) => {
      contacts++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    writeFileSync(
      join(dir, 'remote.ini'),
      `web1 ansible_host=127.0.0.1 ansible_port=${port} ansible_user=nobody\nweb2 ansible_host=nonexistent.invalid\nlocal1 ansible_connection=local\n[all:vars]\nout=${out}\n`,
    );
    writeFileSync(join(dir, 'local.ini'), `local1 ansible_connection=local\n[all:vars]\nout=${out}\n`);
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints ansible-playbook\'s `playbook: FILE`, exits 0, and contacts no host, runs nothing, writes no retry file', async () => {
    const file = `${rel}/ok.ts`;
    const r = await tsplay(['run', file, '-i', join(dir, 'remote.ini'), '--syntax-check']);
    await new Promise((res) => setTimeout(res, 200)); // a connection attempt would be accepted by now
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal(`\nplaybook: ${file}\n`);
    expect(r.err).to.equal('');
    expect(contacts, 'connections to web1').to.equal(0);
    expect(existsSync(join(out, 'local1.ran')) || existsSync(join(out, 'local1.conf')), 'a task ran on local1').to.equal(false);
    expect(existsSync(join(dir, 'ok.retry')), 'retry file').to.equal(false);
  });

  it('a misspelled role param fails --syntax-check with file:line, role, key and a suggestion (exit 1)', async () => {
    const r = await tsplay(['run', `${rel}/typo.ts`, '-i', join(dir, 'remote.ini'), '--syntax-check']);
    const line = lineOf(playbookWith('', '{ myapp_prot: 9000 } as never'), 'myapp.with(');
    expect(r.code).to.equal(1);
    expect(r.out).to.equal('');
    expect(r.err).to.include(`${rel}/typo.ts:${line}: role 'myapp' has no variable 'myapp_prot' (in .with({...})); did you mean 'myapp_port'?`);
    expect(r.err).not.to.match(/\n\s+at /);
    expect(contacts).to.equal(0);
  });

  it('tsplay run with a misspelled role param fails at load time: no task runs, the default is not used', async () => {
    const r = await tsplay(['run', `${rel}/typo.ts`, '-i', join(dir, 'local.ini'), '--no-retry-file']);
    expect(r.code, r.out).to.equal(1);
    expect(r.err).to.match(/typo\.ts:\d+: role 'myapp' has no variable 'myapp_prot'.*did you mean 'myapp_port'\?/);
    expect(existsSync(join(out, 'local1.conf')), 'the role ran with its default port').to.equal(false);
    expect(existsSync(join(out, 'local1.ran'))).to.equal(false);
    // the same playbook spelled right runs
    const ok = await tsplay(['run', `${rel}/ok.ts`, '-i', join(dir, 'local.ini'), '--no-retry-file']);
    expect(ok.code, ok.out + ok.err).to.equal(0);
    expect(existsSync(join(out, 'local1.conf'))).to.equal(true);
  });

  it('unknown keys in a role\'s defaults and role vars name the role file and line', async () => {
    const r = await tsplay(['run', `${rel}/badrole.ts`, '-i', join(dir, 'local.ini'), '--syntax-check']);
    const at = `${rel}/roles/badapp/index.ts:${lineOf(BAD_ROLE, 'defineRole(')}`;
    expect(r.code).to.equal(1);
    expect(r.err).to.include(`${at}: role 'myapp' has no variable 'myapp_dri' (in defaults); did you mean 'myapp_dir'?`);
    expect(r.err).to.include(`${at}: role 'myapp' has no variable 'MYAPP_PORT' (in roleVars); did you mean 'myapp_port'?`);
  });

  it('tsplay check already rejects the misspelled param at compile level, with tsc\'s suggestion', async () => {
    const r = await tsplay(['check', `${rel}/typo-literal.ts`]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/typo-literal\.ts:\d+:\d+ .*'myapp_prot'.*Did you mean to write 'myapp_port'\?/);
  });
});
