import { expect } from 'chai';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRole, ModuleFailure, roleVars, v } from '../../lib/index.js';
import type { RoleInstance, TaskNode } from '../../lib/dsl/types.js';
import type { PlayContext } from '../../lib/executor/context.js';
import { findFile } from '../../lib/executor/files.js';
import { previewVars } from '../../lib/executor/preview.js';
import { loadInventory } from '../../lib/inventory/index.js';
import { scratch } from '../helpers/run.js';

// Where a task's src is found (files.ts), and the vars `tsplay template` previews (preview.ts).

describe('findFile: a src is looked up in the role, then beside the playbook', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-files-')));
  afterEach(() => cleanup());

  const pcAt = (pbDir: string) => ({ run: { playbook: { dir: pbDir } } }) as unknown as PlayContext;
  const nodeIn = (role?: RoleInstance) => ({ role }) as unknown as TaskNode;
  const put = (rel: string) => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, rel);
    return p;
  };
  const role = (name: string, deps: RoleInstance[] = []) =>
    defineRole({ name, vars: roleVars({}), dir: join(dir, 'roles', name), dependencies: deps, tasks: () => undefined }) as unknown as RoleInstance;

  it('takes the first of: role files/, role dir, dependency files/ and dir, playbook files/, playbook dir', () => {
    const dep = role('dep');
    const main = role('main', [dep]);
    const pc = pcAt(join(dir, 'pb'));
    const order = ['roles/main/files/a.txt', 'roles/main/a.txt', 'roles/dep/files/a.txt', 'roles/dep/a.txt', 'pb/files/a.txt', 'pb/a.txt'];
    const paths = order.map(put);
    // take the found one away each round: the next place is then the one found
    for (let i = 0; i < order.length; i++) {
      expect(findFile(pc, nodeIn(main), 'files', 'a.txt'), order[i]).to.equal(paths[i]);
      rmSync(paths[i]);
    }
  });

  it('templates/ for templates; a task outside roles looks only beside the playbook', () => {
    const p = put('pb/templates/t.j2');
    expect(findFile(pcAt(join(dir, 'pb')), nodeIn(), 'templates', 't.j2')).to.equal(p);
    expect(() => findFile(pcAt(join(dir, 'pb')), nodeIn(), 'files', 't.j2')).to.throw(ModuleFailure, `file 't.j2' not found; looked in: ${join(dir, 'pb', 'files')}, ${join(dir, 'pb')}`);
  });

  it('says every place it looked, in order, and whether it was a file or a template', () => {
    const main = role('main');
    const pb = join(dir, 'pb');
    expect(() => findFile(pcAt(pb), nodeIn(main), 'templates', 'x.j2')).to.throw(
      ModuleFailure,
      `template 'x.j2' not found; looked in: ${join(dir, 'roles/main/templates')}, ${join(dir, 'roles/main')}, ${join(pb, 'templates')}, ${pb}`,
    );
  });

  it('an absolute path is used as it is, or refused when missing', () => {
    const p = put('abs/f');
    expect(findFile(pcAt(dir), nodeIn(), 'files', p)).to.equal(p);
    expect(() => findFile(pcAt(dir), nodeIn(), 'files', join(dir, 'missing'))).to.throw(ModuleFailure, `file '${join(dir, 'missing')}' does not exist on the controller`);
    expect(() => findFile(pcAt(dir), nodeIn(), 'templates', join(dir, 'missing'))).to.throw(ModuleFailure, `template '${join(dir, 'missing')}' does not exist on the controller`);
  });
});

describe('previewVars: the vars a role task would see, without connecting', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-preview-')));
  afterEach(() => cleanup());

  it('layers role defaults, inventory, role params and extra vars as a run would; magic vars name the host', async () => {
    const inv = join(dir, 'hosts.ini');
    writeFileSync(inv, '[web]\nw1 port=81 color=blue\nw2\n[web:vars]\nshared=yes\n');
    const r = defineRole({
      name: 'app',
      vars: roleVars({ port: v.integer(), color: v.string(), size: v.string(), shared: v.string() }),
      defaults: { port: 80, color: 'red', size: 'small', shared: 'no' },
      tasks: () => undefined,
    }).with({ size: 'large' }) as unknown as RoleInstance;
    const vars = previewVars(await loadInventory([inv]), 'w1', { extraVars: { color: 'green' }, role: r, cwd: dir });
    expect({ port: vars.port, color: vars.color, size: vars.size, shared: vars.shared }).to.deep.equal({ port: 81, color: 'green', size: 'large', shared: 'yes' });
    expect(vars.inventory_hostname).to.equal('w1');
    expect(vars.role_name).to.equal('app');
    expect(vars.ansible_check_mode).to.equal(true);
    expect((vars.groups as Record<string, string[]>).web).to.deep.equal(['w1', 'w2']);
    expect(vars.ansible_play_hosts_all).to.deep.equal(['w1']);
    expect([vars.play_hosts, vars.ansible_play_batch, vars.ansible_play_hosts]).to.deep.equal([['w1'], ['w1'], ['w1']]);
    expect(vars.ansible_play_name).to.equal('preview');
    expect(vars.playbook_dir).to.equal(dir);
    expect(vars.role_path).to.equal(r.dir);
  });

  it('without a role: inventory and extra vars only; it never connects', async () => {
    const inv = join(dir, 'hosts.ini');
    writeFileSync(inv, 'h1 a=1\n');
    const vars = previewVars(await loadInventory([inv]), 'h1', { extraVars: { b: 2 }, cwd: dir });
    expect([vars.a, vars.b, vars.role_name]).to.deep.equal([1, 2, undefined]);
  });
});
