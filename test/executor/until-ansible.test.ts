import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { command, debug, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';
import { ansiblePlaybookSync } from '../helpers/ansible-playbook.js';

// until/retries at the edges, side by side with ansible-playbook 2.14 (json callback): how many
// tries (the default retries is 3: four tries), whether running out of tries fails the task even
// when failed_when says otherwise (it does, except with retries 0: one try, failed_when decides),
// and the registered `attempts` (Ansible registers tries - 1 when it runs out).

const CASES: { name: string; retries?: number; failedWhen?: boolean; until: boolean }[] = [
  { name: 'retries 0, failed_when false', retries: 0, failedWhen: false, until: false },
  { name: 'retries 0', retries: 0, until: false },
  { name: 'retries 1, failed_when false', retries: 1, failedWhen: false, until: false },
  { name: 'retries 2', retries: 2, until: false },
  { name: 'default retries', until: false },
  { name: 'until holds at once', retries: 2, until: true },
];

const YAML = `
- hosts: all
  gather_facts: false
  tasks:
${CASES.map((c) => `    - name: ${c.name}
      command: /bin/false
      register: r
      until: ${c.until}
      delay: 0
      ignore_errors: true
${c.retries === undefined ? '' : `      retries: ${c.retries}\n`}${c.failedWhen === undefined ? '' : `      failed_when: ${c.failedWhen}\n`}    - name: ${c.name} registered
      debug: {msg: "{{ r.failed }}"}
`).join('')}`;

const PLAYS: PlaySpec[] = [
  {
    hosts: 'all',
    gatherFacts: false,
    tasks: (t: TaskBuilder) => {
      for (const c of CASES) {
        t.task(c.name, command('/bin/false'), {
          register: 'r', until: c.until, delay: 0, ignoreErrors: true,
          ...(c.retries === undefined ? {} : { retries: c.retries }),
          ...(c.failedWhen === undefined ? {} : { failedWhen: c.failedWhen }),
        });
        t.task(`${c.name} registered`, debug({ msg: '{{ r.failed }}' }));
      }
    },
  },
];

type Shape = { failed: boolean; attempts: unknown } | { msg: unknown };

describe('until/retries at the edges (side by side with ansible-playbook)', function () {
  this.timeout(60_000);
  it('tries, failure when out of tries, and registered attempts agree with ansible-playbook 2.14', async () => {
    const { dir, cleanup } = scratch();
    try {
      const pb = join(dir, 'until.yml');
      writeFileSync(pb, YAML);
      writeFileSync(join(dir, 'a.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
      const p = ansiblePlaybookSync(dir, ['-i', join(dir, 'a.ini'), pb], 'json');
      const out = JSON.parse(p.stdout) as { plays: { tasks: { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[] }[] };
      const theirs: Record<string, Shape> = {};
      for (const t of out.plays[0]!.tasks) {
        const r = t.hosts.h1!;
        theirs[t.task.name] = t.task.name.endsWith(' registered') ? { msg: r.msg } : { failed: Boolean(r.failed), attempts: r.attempts };
      }
      // the cases are not all alike in Ansible: the table is worth comparing
      expect(theirs['retries 0, failed_when false']).to.deep.equal({ failed: false, attempts: 1 });
      // out of tries: the task's status follows failed_when, yet the registered value says failed
      expect(theirs['retries 1, failed_when false']).to.deep.equal({ failed: false, attempts: 1 });
      expect(theirs['retries 1, failed_when false registered']).to.deep.equal({ msg: true });
      expect(theirs['retries 0, failed_when false registered']).to.deep.equal({ msg: false });
      expect(theirs['default retries']).to.deep.equal({ failed: true, attempts: 3 });

      const run = await runPlays(localInventory(dir, ['h1']), PLAYS);
      const ours: Record<string, Shape> = {};
      for (const e of run.events) {
        if (e.type !== 'host_result' || !e.result) continue;
        ours[e.task] = e.task.endsWith(' registered') ? { msg: e.result.msg } : { failed: e.status === 'ignored' || e.status === 'failed', attempts: e.result.attempts };
      }
      expect(ours).to.deep.equal(theirs);
      // tries: one retry event per try that is followed by another, as Ansible's "FAILED - RETRYING" lines
      const retriesOf = (name: string) => run.events.filter((e) => e.type === 'retry' && e.task === name).length;
      expect(CASES.map((c) => retriesOf(c.name))).to.deep.equal([0, 0, 1, 2, 3, 0]);
    } finally {
      cleanup();
    }
  });
});
