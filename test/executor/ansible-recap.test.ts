import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import type { HostStats } from '../../lib/report/events.js';
import { command, debug, fail, set_fact, type TaskBuilder } from '../../lib/index.js';
import { runPlays, scratch, type TestRun } from '../helpers/run.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';

// The same plays run by tsplay and by the real ansible-playbook 2.14 (Debian's ansible-core,
// local connection); the PLAY RECAP counts must agree. Ansible's output is parsed, never written
// down here. Cases share runs: each ansible-playbook start costs ~2 s.

const INVENTORY = ['h1', 'h2', 'h3'].map((h) => `${h} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`).join('\n') + '\n';

interface AnsibleRun {
  code: number;
  out: string;
  recap: Record<string, HostStats>;
}

async function runAnsible(dir: string, name: string, yaml: string, inventory = 'hosts.ini'): Promise<AnsibleRun> {
  const pb = join(dir, `${name}.yml`);
  writeFileSync(pb, yaml);
  const { code, out } = await ansiblePlaybook(dir, ['-i', join(dir, inventory), pb]);
  return { code, out, recap: parseRecap(out) };
}

/** `h1   : ok=3    changed=1    unreachable=0 ...` lines after the PLAY RECAP banner. */
function parseRecap(out: string): Record<string, HostStats> {
  const tail = out.slice(out.lastIndexOf('PLAY RECAP'));
  const stats: Record<string, HostStats> = {};
  for (const m of tail.matchAll(/^(\S+)\s+: (.*)$/gm)) {
    const counts = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map(([, k, n]) => [k, Number(n)]));
    stats[m[1]] = { ok: counts.ok, changed: counts.changed, unreachable: counts.unreachable, failed: counts.failed, skipped: counts.skipped, rescued: counts.rescued, ignored: counts.ignored };
  }
  return stats;
}

/** Hosts that Ansible printed `skipping: [h]` for under `TASK [name]` (every batch's). */
function ansibleSkips(out: string, task: string): string[] {
  const sections = out.split(/\n(?=TASK |PLAY |RUNNING HANDLER )/).filter((sec) => sec.startsWith(`TASK [${task}]`));
  return sections.flatMap((sec) => [...sec.matchAll(/^skipping: \[([^\]]+)\]/gm)].map((m) => m[1])).sort();
}

const tsplaySkips = (run: TestRun, task: string): string[] =>
  run.results(task).filter((r) => r.endsWith(':skipped')).map((r) => r.split(':')[0]).sort();

// Run 1: run_once set_fact, an ignored changed failure, an empty loop, a rescue that fails
// itself, and a rescue interrupted by another host's any_errors_fatal failure.
const RUN1_YAML = `
- name: counting
  hosts: all
  gather_facts: false
  tasks:
    - name: fact once
      set_fact: {cluster_token: abc}
      run_once: true
    - name: use fact
      debug: {msg: "{{ cluster_token }}"}
    - name: ignored
      command: /bin/false
      ignore_errors: true
    - name: no items
      debug: {msg: hi}
      loop: []
    - name: guarded
      when: inventory_hostname == 'h1'
      block:
        - name: boom
          fail: {msg: boom}
      rescue:
        - name: again
          fail: {msg: again}
- name: more of the same
  hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - name: fact once per batch
      set_fact: {batch_fact: "{{ inventory_hostname }}"}
      run_once: true
    - name: read batch fact
      debug: {msg: "{{ batch_fact }}"}
    - name: ignored unchanged
      fail: {msg: nope}
      ignore_errors: true
    - name: ignored loop
      command: "{{ item }}"
      loop: [/bin/true, /bin/false]
      ignore_errors: true
    - name: templated empty loop
      debug: {msg: "{{ item }}"}
      loop: "{{ [] }}"
    - name: outer
      block:
        - name: inner
          block:
            - name: inner fails
              fail: {msg: inner}
              when: inventory_hostname == 'h2'
      rescue:
        - name: outer rescue
          debug: {msg: caught}
- name: fatal in rescue
  hosts: h2,h3
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - name: both fail
          command: /bin/true
          failed_when: true
      rescue:
        - name: fatal on h3
          fail: {msg: fatal}
          when: inventory_hostname == 'h3'
`;

const RUN1_PLAYS: PlaySpec[] = [
  {
    name: 'counting',
    hosts: 'all',
    gatherFacts: false,
    tasks: (t: TaskBuilder) => {
      t.task('fact once', set_fact({ cluster_token: 'abc' }), { runOnce: true });
      t.task('use fact', debug({ msg: '{{ cluster_token }}' }));
      t.task('ignored', command('/bin/false'), { ignoreErrors: true });
      t.task('no items', debug({ msg: 'hi' }), { loop: [] });
      t.block('guarded', (b) => void b.task('boom', fail({ msg: 'boom' })), {
        when: "inventory_hostname == 'h1'",
        rescue: (r) => void r.task('again', fail({ msg: 'again' })),
      });
    },
  },
  {
    name: 'more of the same',
    hosts: 'all',
    gatherFacts: false,
    serial: 2,
    tasks: (t: TaskBuilder) => {
      t.task('fact once per batch', set_fact({ batch_fact: '{{ inventory_hostname }}' }), { runOnce: true });
      t.task('read batch fact', debug({ msg: '{{ batch_fact }}' }));
      t.task('ignored unchanged', fail({ msg: 'nope' }), { ignoreErrors: true });
      t.task('ignored loop', command('{{ item }}'), { loop: ['/bin/true', '/bin/false'], ignoreErrors: true });
      t.task('templated empty loop', debug({ msg: '{{ item }}' }), { loop: '{{ [] }}' });
      t.block(
        'outer',
        (b) => b.block('inner', (i) => void i.task('inner fails', fail({ msg: 'inner' }), { when: "inventory_hostname == 'h2'" })),
        { rescue: (r) => void r.task('outer rescue', debug({ msg: 'caught' })) },
      );
    },
  },
  {
    name: 'fatal in rescue',
    hosts: 'h2,h3',
    gatherFacts: false,
    anyErrorsFatal: true,
    tasks: (t: TaskBuilder) => {
      t.block('b', (b) => void b.task('both fail', command('/bin/true'), { failedWhen: true }), {
        rescue: (r) => void r.task('fatal on h3', fail({ msg: 'fatal' }), { when: "inventory_hostname == 'h3'" }),
      });
    },
  },
];

// Run 2: an unreachable host (h4: nothing listens on 127.0.0.1:1) does not count toward
// max_fail_percentage; a failure then ends the play; h2 and h3 only ever skipped after that.
const INVENTORY2 = INVENTORY + 'h4 ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=1\n';

const RUN2_YAML = `
- hosts: all
  gather_facts: false
  max_fail_percentage: 0
  tasks:
    - name: reach every host
      command: /bin/true
      when: inventory_hostname == 'h4'
    - name: only h1
      debug: {msg: x}
      when: inventory_hostname == 'h1'
    - name: h1 fails
      fail: {msg: y}
      when: inventory_hostname == 'h1'
    - name: never reached
      debug: {msg: z}
`;

const RUN2_PLAYS: PlaySpec[] = [
  {
    hosts: 'all',
    gatherFacts: false,
    maxFailPercentage: 0,
    tasks: (t: TaskBuilder) => {
      t.task('reach every host', command('/bin/true'), { when: "inventory_hostname == 'h4'" });
      t.task('only h1', debug({ msg: 'x' }), { when: "inventory_hostname == 'h1'" });
      t.task('h1 fails', fail({ msg: 'y' }), { when: "inventory_hostname == 'h1'" });
      t.task('never reached', debug({ msg: 'z' }));
    },
  },
];

describe('recap counts agree with ansible-playbook 2.14 (side by side, local connection)', function () {
  this.timeout(120000);
  let dir: string;
  let cleanup: () => void;
  const ansible: AnsibleRun[] = [];

  before(async function () {
    const which = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
    if (which.status !== 0) throw new Error('ansible-playbook is missing: apt-get install ansible-core (.ci/run installs it)');
    ({ dir, cleanup } = scratch('tsplay-vs-ansible-'));
    writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
    writeFileSync(join(dir, 'hosts2.ini'), INVENTORY2);
    writeFileSync(join(dir, 'none.cfg'), '');
    // both ansible-playbook runs at once: they are what makes this file slow
    ansible.push(...(await Promise.all([runAnsible(dir, 'run1', RUN1_YAML), runAnsible(dir, 'run2', RUN2_YAML, 'hosts2.ini')])));
  });
  after(() => cleanup?.());

  it('run_once set_fact, ignored failures, empty loops and rescues count as in Ansible', async () => {
    const a = ansible[0];
    expect(Object.keys(a.recap), a.out).to.have.members(['h1', 'h2', 'h3']);
    const run = await runPlays(join(dir, 'hosts.ini'), RUN1_PLAYS, { forks: 5 });
    expect(run.stats).to.deep.equal(a.recap, a.out);
    expect(run.exitCode).to.equal(a.code);
    // the empty loop says `skipping:` for each host, as Ansible prints it
    expect(ansibleSkips(a.out, 'no items')).to.deep.equal(['h1', 'h2', 'h3']);
    expect(tsplaySkips(run, 'no items')).to.deep.equal(ansibleSkips(a.out, 'no items'));
    expect(tsplaySkips(run, 'templated empty loop')).to.deep.equal(ansibleSkips(a.out, 'templated empty loop'));
    // the run_once fact reached every host: no host failed 'use fact'
    expect(run.results('use fact')).to.deep.equal(['h1:ok', 'h2:ok', 'h3:ok']);
  });

  it('max_fail_percentage counts failed hosts, not unreachable ones; when it ends the play, hosts with only skipped results are in the recap', async () => {
    const a = ansible[1];
    expect(Object.keys(a.recap), a.out).to.have.members(['h1', 'h2', 'h3', 'h4']);
    expect(a.recap.h4.unreachable, a.out).to.equal(1);
    const run = await runPlays(join(dir, 'hosts2.ini'), RUN2_PLAYS, { forks: 5 });
    expect(run.stats).to.deep.equal(a.recap, a.out);
    expect(run.exitCode).to.equal(a.code);
  });
});
