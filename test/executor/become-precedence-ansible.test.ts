// Who a task runs as when keywords (become, becomeUser on the play and the task) and connection
// variables (ansible_become, ansible_become_user from the inventory or task vars) disagree.
// In Ansible variables override keywords; the real ansible-playbook 2.14 runs the same plays on
// the same local hosts (as root, so sudo needs no password) and its `whoami` is the expected value.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { command, type TaskBuilder } from '../../lib/index.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';
import { runPlays, scratch, type TestRun } from '../helpers/run.js';

const INVENTORY = `[all]
plain
uservar ansible_become_user=nobody
offvar ansible_become=false
[all:vars]
ansible_connection=local
ansible_python_interpreter=/usr/bin/python3
# the become users' homes do not exist: Ansible's module temp dirs go under /tmp
ansible_remote_tmp=/tmp
`;

// [task name, YAML options, tsplay options]
const TASKS: Array<[string, string, Record<string, unknown>]> = [
  ['play keywords', '', {}],
  ['task becomeUser', 'become_user: daemon', { becomeUser: 'daemon' }],
  ['task become false', 'become: false', { become: false }],
  ['task vars turn become on', 'become: false\n      vars: {ansible_become: true}', { become: false, vars: { ansible_become: true } }],
  ['task vars name the user', 'become_user: daemon\n      vars: {ansible_become_user: bin}', { becomeUser: 'daemon', vars: { ansible_become_user: 'bin' } }],
];

const YAML = `
- hosts: all
  gather_facts: false
  become: true
  become_user: nobody
  tasks:
${TASKS.map(([name, opts]) => `    - name: ${name}\n      command: whoami\n${opts ? `      ${opts}\n` : ''}`).join('')}`;

const PLAYS: PlaySpec[] = [
  {
    hosts: 'all',
    gatherFacts: false,
    become: true,
    becomeUser: 'nobody',
    tasks: (t: TaskBuilder) => {
      for (const [name, , opts] of TASKS) t.task(name, command('whoami'), opts);
    },
  },
];

/** "task host=user" for each task result of tsplay's run */
function ours(run: TestRun): string[] {
  return run.events.flatMap((e) => (e.type === 'host_result' && e.result ? [`${e.task} ${e.host}=${String((e.result as { stdout?: unknown }).stdout)}`] : [])).sort();
}

/** the same from ansible-playbook's default output: `ok: [host] => {... "stdout": "x" ...}` is not printed, so -v */
function theirs(out: string): string[] {
  const lines: string[] = [];
  for (const block of out.split('TASK [').slice(1)) {
    const task = block.slice(0, block.indexOf(']'));
    for (const m of block.matchAll(/^changed: \[(\w+)\] => (\{.*\})$/gm)) lines.push(`${task} ${m[1]}=${(JSON.parse(m[2]) as { stdout: string }).stdout}`);
  }
  return lines.sort();
}

describe('become: connection variables override keywords, as in ansible-playbook 2.14', function () {
  this.timeout(120_000);

  it('the same user runs each task in both tools', async () => {
    const { dir, cleanup } = scratch('tsplay-become-prec-');
    try {
      writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
      writeFileSync(join(dir, 'pb.yml'), YAML);
      const a = await ansiblePlaybook(dir, ['-v', '-i', join(dir, 'hosts.ini'), join(dir, 'pb.yml')]);
      expect(a.code, a.out).to.equal(0);
      const want = theirs(a.out);
      expect(want).to.have.length(TASKS.length * 3);
      // the cases disagree with a keyword-first order, so the comparison can tell them apart
      expect(want).to.include.members(['play keywords uservar=nobody', 'play keywords offvar=root', 'task becomeUser uservar=nobody', 'task vars turn become on plain=nobody', 'task vars name the user plain=bin']);
      const run = await runPlays(join(dir, 'hosts.ini'), PLAYS);
      expect(ours(run)).to.deep.equal(want);
    } finally {
      cleanup();
    }
  });
});
