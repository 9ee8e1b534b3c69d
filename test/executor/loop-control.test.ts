import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { command, debug, slurp, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch, type TestRun } from '../helpers/run.js';
import { ansiblePlaybookSync } from '../helpers/ansible-playbook.js';

// loopControl (label, loopVar, indexVar, pause) and item lines that never show a secret.

const items = (run: TestRun, task: string): (string | undefined)[] =>
  run.events.flatMap((e) => (e.type === 'host_result' && e.task === task && e.item !== undefined ? [e.item] : []));

describe('loopControl', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ dir, cleanup } = scratch());
    inv = localInventory(dir, ['h1']);
  });
  afterEach(() => cleanup());

  it('label, loopVar, indexVar and pause, with the result keys Ansible registers', async () => {
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('labelled', debug({ msg: '{{ idx }} {{ pkg.name }}' }), {
            loop: [{ name: 'a', v: 1 }, { name: 'b', v: 2 }, { name: 'c', v: 3 }],
            loopControl: { label: '{{ pkg.name }}', loopVar: 'pkg', indexVar: 'idx', pause: 0.25 },
            register: 'r',
          });
          t.task('registered', debug({ msg: "{{ r.results | map(attribute='idx') | list }} {{ r.results[2].pkg.v }} {{ r.results[0].ansible_loop_var }} {{ r.results[0].ansible_index_var }}" }));
          t.task('by function', debug({ msg: 'x' }), { loop: [{ name: 'z' }], loopControl: { label: (i) => `pkg ${(i as { name: string }).name}` } });
          t.task('old loopVar', debug({ msg: '{{ x }}' }), { loop: ['q'], loopVar: 'x' });
          t.task('plain', debug({ msg: 'x' }), { loop: [{ name: 'a' }] });
          // a block's loopControl is not its tasks'
          t.block('b', (b) => void b.task('in block', debug({ msg: '{{ item }}' }), { loop: ['w'] }), { loopControl: { loopVar: 'nope', label: 'L' } });
        },
      },
    ];
    const started = Date.now();
    const run = await runPlays(inv, plays);
    expect(run.exitCode).to.equal(0);
    expect(items(run, 'labelled')).to.deep.equal(['a', 'b', 'c']);
    expect(items(run, 'by function')).to.deep.equal(['pkg z']);
    expect(items(run, 'old loopVar')).to.deep.equal(['q']);
    expect(items(run, 'plain')).to.deep.equal(['{"name":"a"}']);
    expect(items(run, 'in block')).to.deep.equal(['w']);
    // two pauses between three items
    expect(Date.now() - started).to.be.at.least(500);
    const logs = run.events.flatMap((e) => (e.type === 'log' && e.task === 'labelled' ? [e.message] : []));
    expect(logs.join('\n')).to.contain('0 a').and.contain('2 c');
    const reg = run.events.flatMap((e) => (e.type === 'log' && e.task === 'registered' ? [e.message] : []));
    expect(reg.join('\n')).to.contain('[0, 1, 2] 3 pkg idx');
  });

  it('item lines and the loop vars agree with ansible-playbook 2.14 (label, loop_var, index_var)', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tasks:
    - name: labelled
      debug: {msg: "{{ idx }}-{{ pkg.name }}"}
      loop: [{name: a, v: 1}, {name: b, v: 2}]
      loop_control: {label: "{{ pkg.name }} v{{ pkg.v }}", loop_var: pkg, index_var: idx}
    - name: strings
      debug: {msg: "{{ item }}"}
      loop: [x, y]
`;
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('labelled', debug({ msg: '{{ idx }}-{{ pkg.name }}' }), {
            loop: [{ name: 'a', v: 1 }, { name: 'b', v: 2 }],
            loopControl: { label: '{{ pkg.name }} v{{ pkg.v }}', loopVar: 'pkg', indexVar: 'idx' },
          });
          t.task('strings', debug({ msg: '{{ item }}' }), { loop: ['x', 'y'] });
        },
      },
    ];
    writeFileSync(join(dir, 'lc.yml'), yaml);
    writeFileSync(join(dir, 'a.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
    const a = ansiblePlaybookSync(dir, ['-i', join(dir, 'a.ini'), join(dir, 'lc.yml')]);
    const ansibleItems = (task: string) => [...a.stdout.split(`TASK [${task}]`)[1].split('TASK [')[0].matchAll(/\(item=(.*)\) => \{\n\s+"msg": "(.*)"/g)].map((m) => `${m[1]}|${m[2]}`);
    const run = await runPlays(inv, plays);
    const logs = (task: string) => run.events.flatMap((e) => (e.type === 'log' && e.task === task ? [e.message] : []));
    expect(ansibleItems('labelled')).to.deep.equal(['a v1|0-a', 'b v2|1-b']);
    for (const task of ['labelled', 'strings']) {
      const ours = items(run, task).map((it, i) => `${it}|${logs(task)[i]}`);
      expect(ours, task).to.deep.equal(ansibleItems(task));
    }
  });

  it('an item that carries a secret prints as (censored), a label only when it holds none', async () => {
    const root = join(dir, 'h1');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'id_a'), '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecretA\n-----END OPENSSH PRIVATE KEY-----\n');
    writeFileSync(join(root, 'id_b'), '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecretB\n-----END OPENSSH PRIVATE KEY-----\n');
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        vars: { db_password: 'hunter2hunter2' },
        tasks: (t: TaskBuilder) => {
          t.task('slurp keys', slurp({ src: '{{ root }}/{{ item }}' }), { loop: ['id_a', 'id_b'], register: 'keys' });
          t.task('keys as items', debug({ msg: '{{ item.source }}' }), { loop: '{{ keys.results }}' });
          t.task('keys by path', debug({ msg: 'x' }), { loop: '{{ keys.results }}', loopControl: { label: '{{ item.source }}' } });
          t.task('label with the key', debug({ msg: 'x' }), { loop: '{{ keys.results }}', loopControl: { label: '{{ item.content }}' } });
          t.task('from a secret var', debug({ msg: 'x' }), { loop: "{{ [{'user': 'app', 'pw': db_password}] }}" });
          t.task('labelled secret var', debug({ msg: 'x' }), { loop: "{{ [{'user': 'app', 'pw': db_password}] }}", loopControl: { label: '{{ item.user }}' } });
          t.task('hidden', command('echo s3cr3tvalue'), { noLog: true, register: 'h' });
          t.task('from a noLog result', debug({ msg: 'x' }), { loop: '{{ h.stdout_lines }}' });
          t.task('failing over keys', command('false'), { loop: '{{ keys.results }}', loopControl: { label: '{{ item.source }}' }, ignoreErrors: true });
        },
      },
    ];
    const run = await runPlays(inv, plays);
    expect(run.exitCode).to.equal(0);
    expect(items(run, 'slurp keys')).to.deep.equal(['id_a', 'id_b']);
    expect(items(run, 'keys as items')).to.deep.equal(['(censored)', '(censored)']);
    expect(items(run, 'keys by path')).to.deep.equal([join(root, 'id_a'), join(root, 'id_b')]);
    expect(items(run, 'label with the key')).to.deep.equal(['(censored)', '(censored)']);
    expect(items(run, 'from a secret var')).to.deep.equal(['(censored)']);
    expect(items(run, 'labelled secret var')).to.deep.equal(['app']);
    expect(items(run, 'from a noLog result')).to.deep.equal(['(censored)']);
    // the failed loop's task line shows its results without the items that carry the keys
    const line = run.events.find((e) => e.type === 'host_result' && e.task === 'failing over keys' && e.item === undefined);
    const shownItems = line && line.type === 'host_result' ? (line.result?.results as { item: unknown }[]).map((r) => r.item) : [];
    expect(shownItems).to.deep.equal(['(censored)', '(censored)']);
    // nowhere in any event, base64 or not
    const all = JSON.stringify(run.events);
    for (const k of ['id_a', 'id_b']) expect(all).not.to.contain(Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecret${k.slice(-1).toUpperCase()}`).toString('base64').slice(0, 40));
  });
});
