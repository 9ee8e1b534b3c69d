import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// bin/tsplay.js runs the prebuilt engine (bin/engine.js) and bundles the user's TypeScript
// against it (lib/util/usercode.ts). What a user must not notice: edits are picked up at once,
// errors still point into their .ts files, and one instance of the engine serves both sides.

const LIB = join(process.cwd(), 'lib/index.js');

function tsplay(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/tsplay.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('tsplay on the prebuilt engine', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-engine-test-'));
    mkdirSync(join(dir, 'roles', 'greet'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const role = (msg: string): string =>
    [
      `import { debug, defineRole, roleVars, v } from ${JSON.stringify(LIB)};`,
      `export default defineRole({`,
      `  name: 'greet',`,
      `  vars: roleVars({ greeting: v.string() }),`,
      `  defaults: { greeting: ${JSON.stringify(msg)} },`,
      `  tasks: (t) => { t.task('say it', debug({ msg: '{{ greeting }} from {{ inventory_hostname }}' })); },`,
      `});`,
      ``,
    ].join('\n');
  const playbookText = [
    `import { playbook } from ${JSON.stringify(LIB)};`,
    `import greet from './roles/greet/index.js';`,
    `export default playbook('p', [{ hosts: 'all', gatherFacts: false, roles: [greet] }]);`,
    ``,
  ].join('\n');

  it('runs a playbook and its roles, and picks up an edited role on the next run', () => {
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('hello'));
    const first = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(first.code, first.err + first.out).to.equal(0);
    expect(first.out).to.include('hello from localhost');
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('bonjour'));
    // same size and mtime would hide an edit; a real edit changes at least the mtime
    utimesSync(join(dir, 'roles/greet/index.ts'), new Date(), new Date(Date.now() + 2000));
    const second = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(second.code, second.err + second.out).to.equal(0);
    expect(second.out).to.include('bonjour from localhost');
    expect(second.out).to.not.include('hello from');
  });

  it('gives the same results as lib/ run through tsx (TSPLAY_NO_BUNDLE=1)', () => {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('hi'));
    const bundled = tsplay(['run', 'site.ts', '-i', 'localhost,', '--json'], dir);
    const viaTsx = tsplay(['run', 'site.ts', '-i', 'localhost,', '--json'], dir, { TSPLAY_NO_BUNDLE: '1' });
    const recap = (s: string): unknown => JSON.parse(s.trim().split('\n').pop()!).hosts;
    expect(bundled.code, bundled.err).to.equal(0);
    expect(viaTsx.code, viaTsx.err).to.equal(0);
    expect(recap(bundled.out)).to.deep.equal(recap(viaTsx.out));
  });

  it('a task\'s location in an error is its line in the .ts file, not in the bundle', () => {
    writeFileSync(
      join(dir, 'site.ts'),
      [
        `import { debug, playbook } from ${JSON.stringify(LIB)};`,
        `export default playbook('p', [{`,
        `  hosts: 'all',`,
        `  tasks: (t) => {`,
        `    t.task('fine', debug({ msg: 'x' }));`,
        `    t.task('notifies nobody', debug({ msg: 'y' }), { notify: ['no such handler'] });`,
        `  },`,
        `}]);`,
        ``,
      ].join('\n'),
    );
    const r = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(r.code).to.equal(1);
    expect(r.err + r.out).to.match(/site\.ts:6: task 'notifies nobody' notifies 'no such handler'/);
  });

  it('a syntax error in a role names its file, line and column', () => {
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), `import { defineRole } from ${JSON.stringify(LIB)};\nconst broken = ;\nexport default defineRole(broken);\n`);
    const r = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/roles\/greet\/index\.ts:2:\d+: Unexpected ";"/);
    expect(r.err).to.not.match(/\n\s+at /); // no stack trace
  });

  it('importing an engine module other than lib/index.js is refused, saying what to import', () => {
    writeFileSync(
      join(dir, 'site.ts'),
      `import { playbook } from ${JSON.stringify(LIB)};\nimport { debug } from ${JSON.stringify(join(process.cwd(), 'lib/modules/debug.js'))};\nexport default playbook('p', [{ hosts: 'all', tasks: (t) => { t.task('d', debug({ msg: 'x' })); } }]);\n`,
    );
    const r = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/site\.ts:2:\d+: imports the engine's internal module lib\/modules\/debug\.js; import from lib\/index\.js/);
  });

  it('serves the whole public API from one code-cached bundle, the same names lib/index.ts exports', async () => {
    const { engineDir, loadEngine } = (await import('../../bin/engine.js')) as typeof import('../../bin/engine.js');
    const engine = await engineDir();
    expect(engine, 'the engine builds here').to.be.a('string');
    loadEngine(engine!); // the facades read the lookup it installs
    for (const entry of ['index', 'testing']) {
      const facade = Object.keys((await import(join(engine!, `${entry}.js`))) as object).sort();
      const source = Object.keys((await import(`../../lib/${entry}.js`)) as object).sort();
      expect(facade, entry).to.deep.equal(source);
    }
    // a run has left the code cache beside the bundle, and one run reads it
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('hello'));
    expect(tsplay(['run', 'site.ts', '-i', 'localhost,'], dir).code).to.equal(0);
    expect(existsSync(join(engine!, 'engine.cjs.v8cache'))).to.equal(true);
  });

  it('a damaged code cache is ignored and replaced, not trusted', async () => {
    const { engineDir } = (await import('../../bin/engine.js')) as typeof import('../../bin/engine.js');
    const cache = join((await engineDir())!, 'engine.cjs.v8cache');
    writeFileSync(cache, Buffer.alloc(4096, 7));
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('hello'));
    const r = tsplay(['run', 'site.ts', '-i', 'localhost,'], dir);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('hello from localhost');
    expect(readFileSync(cache).equals(Buffer.alloc(4096, 7))).to.equal(false);
    const bundle = cache.replace(/\.v8cache$/, '');
    expect(cacheAccepted(bundle), 'the cache made in its place is taken').to.equal(true);
    // made by a process that had run the bundle, still with every function in it
    expect(readFileSync(cache).length).to.be.greaterThan(2 * statSync(bundle).size);
  });

  it('builds a complete code cache with the engine, which a plain node accepts and no run rewrites', async () => {
    const { engineDir } = (await import('../../bin/engine.js')) as typeof import('../../bin/engine.js');
    const bundle = join((await engineDir())!, 'engine.cjs');
    const cache = `${bundle}.v8cache`;
    const made = readFileSync(cache);
    // every function compiled, not only what one run used: bytecode and metadata outweigh the
    // source more than twice (a cache taken after --version is an eighth of the source)
    expect(made.length).to.be.greaterThan(2 * statSync(bundle).size);
    expect(cacheAccepted(bundle), 'a node without flags accepts the cache').to.equal(true);
    writeFileSync(join(dir, 'site.ts'), playbookText);
    writeFileSync(join(dir, 'roles/greet/index.ts'), role('hello'));
    expect(tsplay(['run', 'site.ts', '-i', 'localhost,'], dir).code).to.equal(0);
    expect(tsplay(['--version'], dir).code).to.equal(0);
    expect(readFileSync(cache).equals(made), 'runs leave the cache as built').to.equal(true);
  });
});

/** Whether V8 in a fresh node without flags takes the bundle's code cache. */
function cacheAccepted(bundle: string): boolean {
  const probe = [
    `const fs = require('node:fs'), vm = require('node:vm');`,
    `const f = ${JSON.stringify(bundle)};`,
    `const s = new vm.Script(fs.readFileSync(f, 'utf8'), { filename: f, cachedData: fs.readFileSync(f + '.v8cache') });`,
    `process.stdout.write(String(s.cachedDataRejected));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return r.status === 0 && r.stdout === 'false';
}
