import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, runModule } from '../helpers/module-context.js';
import { template } from '../../lib/modules/template.js';
import type { TemplateArgs } from '../../lib/modules/template.js';
import type { Case } from './harness.js';
import { runCases } from './harness.js';

const ENV = 'ETCD_NAME={{ name }}\nETCD_PORT={{ port }}\n';

const cases: Case<TemplateArgs>[] = [
  {
    name: 'renders from the role templates/ with host vars and sets the mode',
    controller: { templates: { 'etcd.env.njk': ENV } },
    vars: { name: 'etcd1', port: 2379 },
    args: (d) => ({ src: 'etcd.env.njk', dest: `${d}/etcd.env`, mode: '0640' }),
    expect: { changed: true, state: { 'etcd.env': { content: 'ETCD_NAME=etcd1\nETCD_PORT=2379\n', mode: '0640' } } },
  },
  {
    name: 'a var change shows as a diff and rewrites the file',
    given: { 'etcd.env': 'ETCD_NAME=etcd1\nETCD_PORT=2379\n' },
    controller: { templates: { 'etcd.env.njk': ENV } },
    vars: { name: 'etcd2', port: 2379 },
    diff: true,
    args: (d) => ({ src: 'etcd.env.njk', dest: `${d}/etcd.env` }),
    expect: { changed: true, diffContains: ['-ETCD_NAME=etcd1\n+ETCD_NAME=etcd2\n ETCD_PORT=2379'], state: { 'etcd.env': 'ETCD_NAME=etcd2\nETCD_PORT=2379\n' } },
  },
  {
    name: 'check mode: reports, writes nothing',
    controller: { templates: { 't.njk': 'x={{ x }}\n' } },
    vars: { x: 1 },
    check: true,
    args: (d) => ({ src: 't.njk', dest: `${d}/t` }),
    expect: { changed: true, state: { t: { absent: true } } },
  },
  {
    name: 'into a directory: the name drops .j2/.njk',
    given: { etc: { dir: true } },
    controller: { templates: { 'app.conf.j2': 'a={{ a }}\n' } },
    vars: { a: 'b' },
    args: (d) => ({ src: 'app.conf.j2', dest: `${d}/etc/` }),
    expect: { changed: true, state: { 'etc/app.conf': 'a=b\n' } },
  },
  {
    name: 'an undefined variable fails and names the template',
    controller: { templates: { 'bad.njk': '{{ missing_var }}\n' } },
    args: (d) => ({ src: 'bad.njk', dest: `${d}/out` }),
    expect: { error: /bad\.njk[^]*undefined/, state: { out: { absent: true } } },
  },
  {
    name: 'a missing template fails with where to put it',
    args: (d) => ({ src: 'nope.njk', dest: `${d}/out` }),
    expect: { error: /template: 'nope.njk' not found.*templates\// },
  },
  {
    name: 'backup + validate failure: nothing changes and no backup or temp file is left',
    given: { out: 'old\n' },
    controller: { templates: { 't.njk': 'new\n' } },
    args: (d) => ({ src: 't.njk', dest: `${d}/out`, backup: true, validate: 'grep -q valid %s' }),
    expect: {
      error: /rejected the new content/,
      state: { out: 'old\n' },
    },
  },
  {
    name: 'backup on change returns backup_file holding the old content',
    given: { out: 'old\n' },
    controller: { templates: { 't.njk': 'new\n' } },
    args: (d) => ({ src: 't.njk', dest: `${d}/out`, backup: true }),
    expect: {
      changed: true,
      resultFn: (r) => expect(String(r.backup_file)).to.match(/\/out\.\d+\..*~$/),
      state: { out: 'new\n' },
    },
  },
];

describe('template module', () => runCases(template.def, cases));

describe('template module: a destination that is not a regular file', () => {
  let dir: string;
  let tdir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-tpl-dest-'));
    tdir = join(dir, 'templates');
    mkdirSync(tdir);
    writeFileSync(join(tdir, 't.njk'), 'x\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = async (dest: string): Promise<string> => {
    try {
      await runModule(template.def, { src: 't.njk', dest }, makeContext({ templatesDir: tdir }));
    } catch (e) {
      return (e as Error).message;
    }
    return 'no failure';
  };

  it('a directory in the place of the file: fails saying to give a file path, the directory untouched', async () => {
    // dest d is a directory, so the file goes in as d/t (.njk dropped); that is a directory too
    mkdirSync(join(dir, 'd', 't'), { recursive: true });
    expect(await failure(join(dir, 'd'))).to.equal(`${join(dir, 'd', 't')} is a directory: give a file path as dest, or end it with / to copy into it`);
    expect(readdirSync(join(dir, 'd', 't'))).to.deep.equal([]);
  });

  it('a FIFO: fails saying it is not a regular file, the FIFO left as it was', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await failure(fifo)).to.equal(`${fifo} exists and is not a regular file`);
    expect(lstatSync(fifo).isFIFO()).to.equal(true);
  });
});
