import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { add_host, command, debug, defineRole, fail, group_by, roleVars, shell } from '../../lib/index.js';
import { runPlays, scratch, type TestRun } from '../helpers/run.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';

// Options from variables and environment, side by side with the real ansible-playbook 2.14
// (Debian's ansible-core, local connection): one ansible run, one tsplay run of the same plays.
// Compared: what each host's commands saw in their environment, which hosts each play and batch
// ran on, retries per host, and the recap.

const INVENTORY = `[all]
h1 ret=1
h2 ret=2
h3 ret=0
[all:vars]
ansible_connection=local
ansible_python_interpreter=/usr/bin/python3
[g]
h1
h2
[g:vars]
hostsvar=g
`;

const YAML = `
- name: A
  hosts: "{{ target }}"
  gather_facts: false
  serial: "{{ s }}"
  vars: {target: all, s: 2}
  environment: {A: play, B: play, C: play, D: play}
  tasks:
    - block:
        - name: env
          shell: echo "$A $B $C $D"
          environment: {D: task}
          register: o1
        - debug: {msg: "ENV {{ inventory_hostname }} {{ o1.stdout }}"}
      environment: {C: block, D: block}
- name: B
  hosts: "{{ target2 }}"
  gather_facts: false
  environment: {A: play}
  roles:
    - role: r
      environment: {B: role}
      when: inventory_hostname != 'h2'
- name: C
  hosts: "{{ hostsvar | default('h3') }}"
  gather_facts: false
  tasks:
    - debug: {msg: "C {{ inventory_hostname }}"}
- name: D
  hosts: all
  gather_facts: false
  tasks:
    - name: retry
      command: /bin/false
      until: false
      retries: "{{ ret }}"
      delay: 0
      ignore_errors: true
    - name: maybe ignored
      fail: {msg: x}
      ignore_errors: "{{ inventory_hostname == 'h1' }}"
      when: inventory_hostname != 'h3'
`;

const ROLE_YAML = `
- name: role env
  shell: echo "$A $B"
  register: out
  notify: hh
- debug: {msg: "ROLE {{ inventory_hostname }} {{ out.stdout }}"}
`;

// the role entry's environment reaches the role's handlers too
const HANDLERS_YAML = `
- name: hh
  shell: echo "$A $B"
  register: hr
- name: hh debug
  debug: {msg: "HANDLER {{ inventory_hostname }} {{ hr.stdout }}"}
  listen: hh
`;

const role = defineRole({
  name: 'r',
  vars: roleVars({}),
  handlers: {
    hh: { call: shell('echo "$A $B"'), opts: { register: 'hr' } },
    'hh debug': { call: debug({ msg: 'HANDLER {{ inventory_hostname }} {{ hr.stdout }}' }), opts: { listen: 'hh' } },
  },
  tasks: (t) => {
    t.task('role env', shell('echo "$A $B"'), { register: 'out', notify: 'hh' });
    t.task('debug', debug({ msg: 'ROLE {{ inventory_hostname }} {{ out.stdout }}' }));
  },
});

const PLAYS: PlaySpec[] = [
  {
    name: 'A',
    hosts: '{{ target }}',
    gatherFacts: false,
    serial: '{{ s }}',
    vars: { target: 'all', s: 2 },
    environment: { A: 'play', B: 'play', C: 'play', D: 'play' },
    tasks: (t) =>
      t.block(
        'block',
        (b) => {
          b.task('env', shell('echo "$A $B $C $D"'), { environment: { D: 'task' }, register: 'o1' });
          b.task('debug', debug({ msg: 'ENV {{ inventory_hostname }} {{ o1.stdout }}' }));
        },
        { environment: { C: 'block', D: 'block' } },
      ),
  },
  { name: 'B', hosts: '{{ target2 }}', gatherFacts: false, environment: { A: 'play' }, roles: [{ role, environment: { B: 'role' }, when: "inventory_hostname != 'h2'" }] },
  { name: 'C', hosts: "{{ hostsvar | default('h3') }}", gatherFacts: false, tasks: (t) => void t.task('debug', debug({ msg: 'C {{ inventory_hostname }}' })) },
  {
    name: 'D',
    hosts: 'all',
    gatherFacts: false,
    tasks: (t) => {
      t.task('retry', command('/bin/false'), { until: false, retries: '{{ ret }}', delay: 0, ignoreErrors: true });
      t.task('maybe ignored', fail({ msg: 'x' }), { ignoreErrors: "{{ inventory_hostname == 'h1' }}", when: "inventory_hostname != 'h3'" });
    },
  },
];

// group_by and add_host: groups the same plays see at once and later plays target.
const DYN_INVENTORY = `[all]
h1 zone=a
h2 zone=b
h3 zone=a
[all:vars]
ansible_connection=local
ansible_python_interpreter=/usr/bin/python3
`;

const DYN_YAML = `
- name: group
  hosts: all
  gather_facts: false
  tasks:
    - name: by zone
      group_by: {key: "zone_{{ zone }}", parents: [zones]}
    - name: again
      group_by: {key: "zone_{{ zone }}", parents: zones}
    - name: add
      add_host: {name: h4, groups: "extra,zone_b", color: blue, ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
    - name: add again
      add_host: {name: h4, groups: [extra]}
    - debug: {msg: "G {{ inventory_hostname }} {{ groups['zone_a'] | join(',') }} {{ group_names | join(',') }}"}
- name: zone a
  hosts: zone_a
  gather_facts: false
  tasks:
    - debug: {msg: "P2 {{ inventory_hostname }}"}
- name: other zones
  hosts: "zones:!zone_a"
  gather_facts: false
  tasks:
    - debug: {msg: "P3 {{ inventory_hostname }} {{ color | default('none') }} {{ group_names | join(',') }}"}
- name: extra
  hosts: extra
  gather_facts: false
  tasks:
    - debug: {msg: "P4 {{ inventory_hostname }} {{ groups['zones'] | sort | join(',') }} {{ groups['all'] | sort | join(',') }}"}
`;

const DYN_PLAYS: PlaySpec[] = [
  {
    name: 'group',
    hosts: 'all',
    gatherFacts: false,
    tasks: (t) => {
      t.task('by zone', group_by({ key: 'zone_{{ zone }}', parents: ['zones'] }));
      t.task('again', group_by({ key: 'zone_{{ zone }}', parents: 'zones' }));
      t.task('add', add_host({ name: 'h4', groups: 'extra,zone_b', color: 'blue', ansible_connection: 'local' }));
      t.task('add again', add_host({ name: 'h4', groups: ['extra'] }));
      t.task('debug', debug({ msg: "G {{ inventory_hostname }} {{ groups['zone_a'] | join(',') }} {{ group_names | join(',') }}" }));
    },
  },
  { name: 'zone a', hosts: 'zone_a', gatherFacts: false, tasks: (t) => void t.task('debug', debug({ msg: 'P2 {{ inventory_hostname }}' })) },
  {
    name: 'other zones',
    hosts: 'zones:!zone_a',
    gatherFacts: false,
    tasks: (t) => void t.task('debug', debug({ msg: "P3 {{ inventory_hostname }} {{ color | default('none') }} {{ group_names | join(',') }}" })),
  },
  {
    name: 'extra',
    hosts: 'extra',
    gatherFacts: false,
    tasks: (t) => void t.task('debug', debug({ msg: "P4 {{ inventory_hostname }} {{ groups['zones'] | sort | join(',') }} {{ groups['all'] | sort | join(',') }}" })),
  },
];

function runAnsible(dir: string, playbook = 'pb.yml', inventory = 'hosts.ini', extra = ['-e', 'target2=g']): Promise<{ code: number; out: string }> {
  return ansiblePlaybook(dir, ['-i', join(dir, inventory), ...extra, join(dir, playbook)]);
}

const messages = (text: string[]) => text.filter((m) => /^(ENV|ROLE|HANDLER|C|G|P\d) /.test(m)).sort();
const ansibleMessages = (out: string) => messages([...out.matchAll(/"msg": "([^"]*)"/g)].map((m) => m[1]));
const tsplayMessages = (run: TestRun) => messages(run.events.flatMap((e) => (e.type === 'host_result' && typeof e.msg === 'string' ? [e.msg] : [])));

/** `PLAY [A]` once per batch, as ansible-playbook prints it; tsplay: each play's batches. */
function tsplayPlayHeaders(run: TestRun): string[] {
  const out: string[] = [];
  for (const e of run.events) {
    if (e.type === 'play_start') out.push(e.play);
    if (e.type === 'batch_start' && e.batch > 1) out.push(e.play);
  }
  return out;
}

function recap(out: string): Record<string, string> {
  const tail = out.slice(out.lastIndexOf('PLAY RECAP'));
  return Object.fromEntries([...tail.matchAll(/^(\S+)\s+: (.*)$/gm)].map((m) => [m[1], m[2].replace(/\s+/g, ' ').trim()]));
}

function tsplayRecap(run: TestRun): Record<string, string> {
  return Object.fromEntries(
    Object.entries(run.stats).map(([h, s]) => [h, `ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failed} skipped=${s.skipped} rescued=${s.rescued} ignored=${s.ignored}`]),
  );
}

describe('options from variables and environment agree with ansible-playbook 2.14', function () {
  this.timeout(120000);
  let dir: string;
  let cleanup: () => void;
  let ansible: { code: number; out: string };
  let run: TestRun;
  let dynAnsible: { code: number; out: string };
  let dynRun: TestRun;

  before(async function () {
    const which = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
    if (which.status !== 0) throw new Error('ansible-playbook is missing: apt-get install ansible-core (.ci/run installs it)');
    ({ dir, cleanup } = scratch('tsplay-opts-vs-ansible-'));
    writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
    writeFileSync(join(dir, 'none.cfg'), '');
    writeFileSync(join(dir, 'pb.yml'), YAML);
    mkdirSync(join(dir, 'roles', 'r', 'tasks'), { recursive: true });
    writeFileSync(join(dir, 'roles', 'r', 'tasks', 'main.yml'), ROLE_YAML);
    mkdirSync(join(dir, 'roles', 'r', 'handlers'));
    writeFileSync(join(dir, 'roles', 'r', 'handlers', 'main.yml'), HANDLERS_YAML);
    writeFileSync(join(dir, 'dyn.ini'), DYN_INVENTORY);
    writeFileSync(join(dir, 'dyn.yml'), DYN_YAML);
    // both ansible-playbook runs at once: they are what makes this file slow
    const both = Promise.all([runAnsible(dir), runAnsible(dir, 'dyn.yml', 'dyn.ini', [])]);
    run = await runPlays(join(dir, 'hosts.ini'), PLAYS, { extraVars: { target2: 'g' } });
    dynRun = await runPlays(join(dir, 'dyn.ini'), DYN_PLAYS);
    [ansible, dynAnsible] = await both;
  });
  after(() => cleanup?.());

  it('environment merges play < role < block < task per key, as in Ansible (role handlers too)', () => {
    const theirs = ansibleMessages(ansible.out);
    expect(theirs.filter((m) => m.startsWith('HANDLER')), ansible.out).to.have.length(1);
    expect(tsplayMessages(run)).to.deep.equal(theirs);
  });

  it('play hosts and serial from play vars and -e (never host or group vars), batch by batch', () => {
    const theirs = [...ansible.out.matchAll(/^PLAY \[([^\]]*)\]/gm)].map((m) => m[1]).filter((p) => p !== 'RECAP');
    expect(tsplayPlayHeaders(run)).to.deep.equal(theirs);
  });

  it('retries and ignore_errors from host vars, per host; the recap agrees', () => {
    const retries = (host: string) => [...ansible.out.matchAll(/FAILED - RETRYING: \[(\w+)\]: retry/g)].filter((m) => m[1] === host).length;
    const ours = (host: string) => run.events.filter((e) => e.type === 'retry' && e.host === host).length;
    for (const h of ['h1', 'h2', 'h3']) expect(ours(h), h).to.equal(retries(h));
    expect(tsplayRecap(run)).to.deep.equal(recap(ansible.out));
    expect(run.exitCode).to.equal(ansible.code);
  });

  it('group_by and add_host: groups change at once for this play, later plays target the new groups and hosts', () => {
    const theirs = ansibleMessages(dynAnsible.out);
    expect(theirs, dynAnsible.out).to.have.length(8);
    expect(tsplayMessages(dynRun)).to.deep.equal(theirs);
    // changed only when membership changed; add_host runs once, on the first host
    for (const task of ['by zone', 'again', 'add', 'add again']) {
      const section = dynAnsible.out.split(/\n(?=TASK |PLAY )/).find((sec) => sec.startsWith(`TASK [${task}]`)) ?? '';
      const statuses = [...section.matchAll(/^(ok|changed): \[(\w+)\]/gm)].map((m) => `${m[2]}:${m[1]}`).sort();
      expect(dynRun.results(task).sort(), task).to.deep.equal(statuses);
    }
    expect(tsplayRecap(dynRun)).to.deep.equal(recap(dynAnsible.out));
  });
});
