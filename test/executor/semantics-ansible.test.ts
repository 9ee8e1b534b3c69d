import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { defineRole, roleVars, shell, type TaskBuilder } from '../../lib/index.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';
import { runPlays, scratch } from '../helpers/run.js';

// Executor semantics beyond the happy path (issue 16), each run by tsplay and by the real
// ansible-playbook 2.14 on the same local hosts. Every task and handler appends
// `<label>:<host>` to one log, so the ORDER in which things ran is compared, not just counts.
// Nothing Ansible does is written down here: its log is the expected value.

const HOSTS = ['h1', 'h2'];

interface Side {
  dir: string;
  log: string;
  inv: string;
}

function side(dir: string, name: string): Side {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const log = join(d, 'order.log');
  const inv = join(d, 'hosts.ini');
  writeFileSync(inv, HOSTS.map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3 log=${log}`).join('\n') + '\n');
  return { dir: d, log, inv };
}

/**
 * The log as runs of one task or handler: hosts of one task run at once in both tools, so their
 * order inside a run is not compared (`label:h1,h2`), the order of the runs is.
 */
function order(s: Side): string[] {
  const lines = existsSync(s.log) ? readFileSync(s.log, 'utf8').trim().split('\n').filter(Boolean) : [];
  const runs: { label: string; hosts: string[] }[] = [];
  for (const line of lines) {
    const [label, host] = line.split(':') as [string, string];
    const last = runs.at(-1);
    if (last?.label === label) last.hosts.push(host);
    else runs.push({ label, hosts: [host] });
  }
  return runs.map((r) => `${r.label}:${r.hosts.sort().join(',')}`);
}

/** The same mark in both tools: a shell task that appends `label:host` and reports changed. */
const mark = (label: string) => shell(`echo ${label}:{{ inventory_hostname }} >> {{ log }}`);
const markYaml = (label: string) => `shell: echo ${label}:{{ inventory_hostname }} >> {{ log }}`;

async function both(
  yaml: string,
  plays: PlaySpec[],
  opts: { args?: string[]; tags?: string[]; skipTags?: string[]; roles?: Record<string, string>; forceHandlers?: boolean } = {},
): Promise<{ ansible: string[]; tsplay: string[]; ansibleCode: number; tsplayCode: number; out: string }> {
  const { dir, cleanup } = scratch('tsplay-sem-');
  try {
    const a = side(dir, 'ansible');
    const t = side(dir, 'tsplay');
    for (const [role, tasks] of Object.entries(opts.roles ?? {})) {
      mkdirSync(join(a.dir, 'roles', role, 'tasks'), { recursive: true });
      writeFileSync(join(a.dir, 'roles', role, 'tasks', 'main.yml'), tasks);
    }
    writeFileSync(join(a.dir, 'pb.yml'), yaml);
    const args = ['-i', a.inv, join(a.dir, 'pb.yml'), ...(opts.args ?? [])];
    if (opts.tags) args.push('--tags', opts.tags.join(','));
    if (opts.skipTags) args.push('--skip-tags', opts.skipTags.join(','));
    const ar = await ansiblePlaybook(a.dir, args);
    const tr = await runPlays(t.inv, plays, { tags: { tags: opts.tags ?? [], skipTags: opts.skipTags ?? [] }, forceHandlers: opts.forceHandlers ?? false });
    return { ansible: order(a), tsplay: order(t), ansibleCode: ar.code, tsplayCode: tr.exitCode, out: ar.out };
  } finally {
    cleanup();
  }
}

describe('executor semantics, side by side with ansible-playbook 2.14', function () {
  this.timeout(120000);

  it('handlers flush after pre_tasks, after roles+tasks and after post_tasks, in definition order', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  pre_tasks:
    - name: pre
      ${markYaml('pre')}
      notify: [second, first]
  roles: [r]
  tasks:
    - name: task
      ${markYaml('task')}
      notify: second
  post_tasks:
    - name: post
      ${markYaml('post')}
      notify: first
  handlers:
    - name: first
      ${markYaml('H-first')}
    - name: second
      ${markYaml('H-second')}
`;
    const r = defineRole({ name: 'r', vars: roleVars({}), tasks: (t) => void t.task('role task', mark('role'), { notify: 'first' }) });
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        preTasks: (t: TaskBuilder) => void t.task('pre', mark('pre'), { notify: ['second', 'first'] }),
        roles: [r],
        tasks: (t: TaskBuilder) => void t.task('task', mark('task'), { notify: 'second' }),
        postTasks: (t: TaskBuilder) => void t.task('post', mark('post'), { notify: 'first' }),
        handlers: { first: mark('H-first'), second: mark('H-second') },
      },
    ];
    const res = await both(yaml, plays, { roles: { r: `- name: role task\n  ${markYaml('role')}\n  notify: first\n` } });
    expect(res.ansibleCode, res.out).to.equal(0);
    // sanity: Ansible's order is the one its docs give (flush after each section)
    expect(res.ansible.indexOf('H-first:h1,h2')).to.be.lessThan(res.ansible.indexOf('role:h1,h2'));
    expect(res.tsplay).to.deep.equal(res.ansible);
    expect(res.tsplayCode).to.equal(0);
  });

  it('a run_once task that changes notifies its handler only on the host that ran it', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tasks:
    - name: once
      ${markYaml('once')}
      run_once: true
      notify: h
    - name: after
      ${markYaml('after')}
  handlers:
    - name: h
      ${markYaml('H')}
`;
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('once', mark('once'), { runOnce: true, notify: 'h' });
          t.task('after', mark('after'));
        },
        handlers: { h: mark('H') },
      },
    ];
    const res = await both(yaml, plays);
    expect(res.ansibleCode, res.out).to.equal(0);
    expect(res.ansible.filter((l) => l.startsWith('once:'))).to.have.length(1);
    expect(res.tsplay).to.deep.equal(res.ansible);
  });

  it('a changed task that failed notifies nothing, even when its errors are ignored; a skipped one neither', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tasks:
    - name: fails ignored
      ${markYaml('fail')}
      failed_when: inventory_hostname == 'h1'
      ignore_errors: true
      notify: h
    - name: skipped
      ${markYaml('skip')}
      when: false
      notify: h
    - name: loop
      ${markYaml('loop')}
      loop: [1, 2]
      failed_when: item == 2 and inventory_hostname == 'h2'
      ignore_errors: true
      notify: g
  handlers:
    - name: h
      ${markYaml('H')}
    - name: g
      ${markYaml('G')}
`;
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('fails ignored', mark('fail'), { failedWhen: "inventory_hostname == 'h1'", ignoreErrors: true, notify: 'h' });
          t.task('skipped', mark('skip'), { when: 'false', notify: 'h' });
          t.task('loop', mark('loop'), { loop: [1, 2], failedWhen: "item == 2 and inventory_hostname == 'h2'", ignoreErrors: true, notify: 'g' });
        },
        handlers: { h: mark('H'), g: mark('G') },
      },
    ];
    const res = await both(yaml, plays);
    expect(res.ansibleCode, res.out).to.equal(0);
    // Ansible: h for h2 only (h1 failed), g for h1 only (h2's loop failed)
    expect(res.ansible).to.include('H:h2');
    expect(res.ansible).to.include('G:h1');
    expect(res.tsplay).to.deep.equal(res.ansible);
    expect(res.tsplayCode).to.equal(0);
  });

  it('a handler that notifies one defined before it, and --force-handlers on a failed host', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  pre_tasks:
    - name: pre
      ${markYaml('pre')}
      notify: second
  tasks:
    - name: task
      ${markYaml('task')}
      notify: third
    - name: fail h1
      ${markYaml('fail')}
      failed_when: inventory_hostname == 'h1'
    - name: after
      ${markYaml('after')}
  handlers:
    - name: first
      ${markYaml('H-first')}
    - name: second
      ${markYaml('H-second')}
      notify: first
    - name: third
      ${markYaml('H-third')}
`;
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        preTasks: (t: TaskBuilder) => void t.task('pre', mark('pre'), { notify: 'second' }),
        tasks: (t: TaskBuilder) => {
          t.task('task', mark('task'), { notify: 'third' });
          t.task('fail h1', mark('fail'), { failedWhen: "inventory_hostname == 'h1'" });
          t.task('after', mark('after'));
        },
        handlers: { first: mark('H-first'), second: { call: mark('H-second'), opts: { notify: 'first' } }, third: mark('H-third') },
      },
    ];
    const plain = await both(yaml, plays);
    expect(plain.ansibleCode, plain.out).to.equal(2);
    // sanity: Ansible runs the earlier-defined handler at the next flush, and on h2 only
    expect(plain.ansible.indexOf('H-first:h2')).to.be.greaterThan(plain.ansible.indexOf('after:h2'));
    expect(plain.tsplay).to.deep.equal(plain.ansible);
    const forced = await both(yaml, plays, { args: ['--force-handlers'], forceHandlers: true });
    expect(forced.ansibleCode, forced.out).to.equal(2);
    expect(forced.ansible).to.include('H-third:h1,h2');
    expect(forced.tsplay).to.deep.equal(forced.ansible);
    expect(forced.tsplayCode).to.equal(2);
  });

  it('always runs after a failure no rescue handled; the host then stops, its handlers are dropped', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tasks:
    - name: notify early
      ${markYaml('early')}
      notify: h
    - block:
        - name: fails on h1
          ${markYaml('try')}
          failed_when: inventory_hostname == 'h1'
        - name: not after failure
          ${markYaml('inner')}
      always:
        - name: cleanup
          ${markYaml('always')}
    - name: next
      ${markYaml('next')}
  handlers:
    - name: h
      ${markYaml('H')}
`;
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('notify early', mark('early'), { notify: 'h' });
          t.block(
            'b',
            (b) => {
              b.task('fails on h1', mark('try'), { failedWhen: "inventory_hostname == 'h1'" });
              b.task('not after failure', mark('inner'));
            },
            { always: (a) => void a.task('cleanup', mark('always')) },
          );
          t.task('next', mark('next'));
        },
        handlers: { h: mark('H') },
      },
    ];
    const res = await both(yaml, plays);
    expect(res.ansibleCode).to.equal(2);
    expect(res.ansible).to.include('always:h1,h2');
    expect(res.ansible).to.include('next:h2');
    expect(res.ansible).to.include('H:h2');
    expect(res.tsplay).to.deep.equal(res.ansible);
    expect(res.tsplayCode).to.equal(2);
  });

  describe('tags inherited from plays, blocks and roles', () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tags: [play]
  roles:
    - role: r
      tags: [roletag]
  tasks:
    - name: plain
      ${markYaml('plain')}
    - block:
        - name: in block
          ${markYaml('block')}
        - name: in block tagged
          ${markYaml('blocktagged')}
          tags: [own]
      tags: [blk]
    - name: never unless asked
      ${markYaml('never')}
      tags: [never, dbg]
    - name: always
      ${markYaml('always')}
      tags: [always]
- hosts: all
  gather_facts: false
  tasks:
    - name: other play
      ${markYaml('other')}
`;
    const r = defineRole({ name: 'r', vars: roleVars({}), tasks: (t) => void t.task('role task', mark('role'), { tags: ['rt'] }) });
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tags: ['play'],
        roles: [{ role: r, tags: ['roletag'] }],
        tasks: (t: TaskBuilder) => {
          t.task('plain', mark('plain'));
          t.block(
            'b',
            (b) => {
              b.task('in block', mark('block'));
              b.task('in block tagged', mark('blocktagged'), { tags: ['own'] });
            },
            { tags: ['blk'] },
          );
          t.task('never unless asked', mark('never'), { tags: ['never', 'dbg'] });
          t.task('always', mark('always'), { tags: ['always'] });
        },
      },
      { hosts: 'all', gatherFacts: false, tasks: (t: TaskBuilder) => void t.task('other play', mark('other')) },
    ];
    const roles = { r: `- name: role task\n  ${markYaml('role')}\n  tags: [rt]\n` };
    const cases: { tags?: string[]; skipTags?: string[] }[] = [
      { tags: ['blk'] },
      { tags: ['play'] },
      { tags: ['roletag'] },
      { tags: ['rt'] },
      { tags: ['own'] },
      { tags: ['dbg'] },
      { tags: ['untagged'] },
      { tags: ['tagged'] },
      { skipTags: ['blk'] },
      { skipTags: ['play', 'always'] },
      { tags: ['all'], skipTags: ['roletag'] },
    ];
    for (const c of cases) {
      it(`--tags ${c.tags?.join(',') ?? '-'} --skip-tags ${c.skipTags?.join(',') ?? '-'}`, async () => {
        const res = await both(yaml, plays, { ...c, roles });
        expect(res.ansibleCode, res.out).to.equal(0);
        expect(res.tsplay).to.deep.equal(res.ansible);
      });
    }
  });
});
