import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import type { RunEvent } from '../../lib/report/events.js';
import { command, shell, stat, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';
import { ansiblePlaybookSync } from '../helpers/ansible-playbook.js';

// changedWhen/failedWhen on results a module failed with, side by side with ansible-playbook
// 2.14 (Debian's ansible-core, json callback): the same tasks, compared key by key. One
// ansible-playbook run for every case (each start costs ~1-2 s).

const YAML = `
- hosts: all
  gather_facts: false
  tasks:
    - name: false is fine
      command: /bin/false
      failed_when: false
    - name: exists is fine
      shell: "echo exists >&2; exit 3"
      register: b
      failed_when: b.rc != 0 and 'exists' not in b.stderr
    - name: other error fails
      shell: "echo other >&2; exit 3"
      register: b2
      failed_when: b2.rc != 0 and 'exists' not in b2.stderr
      ignore_errors: true
    - name: list all hold
      shell: "exit 3"
      register: c
      failed_when: ["c.rc != 0", "c.rc == 3"]
      ignore_errors: true
    - name: list one fails
      shell: "exit 3"
      register: d
      failed_when: ["d.rc != 0", "d.rc == 5"]
    - name: module raised
      stat: {}
      failed_when: false
    - name: changed_when on failure
      command: /bin/false
      changed_when: false
      ignore_errors: true
    - name: true made to fail
      command: /bin/true
      failed_when: true
      ignore_errors: true
    - name: condition errors
      command: /bin/false
      register: e
      failed_when: e.nope.x
      ignore_errors: true
`;

const PLAYS: PlaySpec[] = [
  {
    hosts: 'all',
    gatherFacts: false,
    tasks: (t: TaskBuilder) => {
      t.task('false is fine', command('/bin/false'), { failedWhen: false });
      t.task('exists is fine', shell('echo exists >&2; exit 3'), { register: 'b', failedWhen: "b.rc != 0 and 'exists' not in b.stderr" });
      t.task('other error fails', shell('echo other >&2; exit 3'), { register: 'b2', failedWhen: "b2.rc != 0 and 'exists' not in b2.stderr", ignoreErrors: true });
      t.task('list all hold', shell('exit 3'), { register: 'c', failedWhen: ['c.rc != 0', 'c.rc == 3'], ignoreErrors: true });
      t.task('list one fails', shell('exit 3'), { register: 'd', failedWhen: ['d.rc != 0', (r) => r.rc === 5] });
      // a module's own argument check fails (stat without path), as Ansible's does in the module
      t.task('module raised', stat({} as { path: string }), { failedWhen: false });
      t.task('changed_when on failure', command('/bin/false'), { changedWhen: false, ignoreErrors: true });
      t.task('true made to fail', command('/bin/true'), { failedWhen: true, ignoreErrors: true });
      t.task('condition errors', command('/bin/false'), { register: 'e', failedWhen: 'e.nope.x', ignoreErrors: true });
    },
  },
];

type Shape = { status: string; failed: unknown; changed: unknown; failed_when_result: unknown; changed_when_result?: unknown; msg: boolean; rc: unknown };

/** What both engines must agree on: status, failed/changed, the *_when_result keys (an error's text only by its start), a non-empty msg, rc. */
function shape(status: string, r: Record<string, unknown>): Shape {
  const cond = (v: unknown) => (typeof v === 'string' ? v.slice(0, v.indexOf(' failed.') + 8) : v);
  return {
    status,
    failed: Boolean(r.failed),
    changed: Boolean(r.changed),
    failed_when_result: cond(r.failed_when_result),
    ...(r.changed_when_result !== undefined ? { changed_when_result: cond(r.changed_when_result) } : {}),
    msg: typeof r.msg === 'string' && r.msg !== '',
    rc: r.rc,
  };
}

function ansibleShapes(dir: string): Record<string, Shape> {
  const pb = join(dir, 'fw.yml');
  writeFileSync(pb, YAML);
  writeFileSync(join(dir, 'a.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  const p = ansiblePlaybookSync(dir, ['-i', join(dir, 'a.ini'), pb], 'json');
  const out = JSON.parse(p.stdout) as { plays: { tasks: { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[] }[] };
  const shapes: Record<string, Shape> = {};
  for (const t of out.plays[0].tasks) {
    const r = t.hosts.h1;
    // every failing case ignores errors (a failure would end the play)
    const status = r.failed ? 'ignored' : r.changed ? 'changed' : 'ok';
    shapes[t.task.name] = shape(status, r);
  }
  return shapes;
}

function tsplayShapes(events: RunEvent[]): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const e of events) if (e.type === 'host_result' && e.result) shapes[e.task] = shape(e.status, e.result);
  return shapes;
}

describe('failedWhen/changedWhen on module failures (side by side with ansible-playbook)', function () {
  this.timeout(60_000);
  it('agrees with ansible-playbook 2.14 case by case', async () => {
    const { dir, cleanup } = scratch();
    try {
      const inv = localInventory(dir, ['h1']);
      const [run, ans] = [await runPlays(inv, PLAYS), ansibleShapes(dir)];
      const ours = tsplayShapes(run.events);
      expect(Object.keys(ours)).to.deep.equal(Object.keys(ans));
      for (const name of Object.keys(ans)) expect(ours[name], name).to.deep.equal(ans[name]);
      expect(run.exitCode).to.equal(0);
      // the failed condition's own error, not a generic one
      const err = run.events.find((e) => e.type === 'host_result' && e.task === 'condition errors');
      expect(err && err.type === 'host_result' && String(err.result?.failed_when_result)).to.match(/^The conditional check 'e.nope.x' failed\. The error was: .*nope/);
      // and the line says so, not the module's "non-zero return code"
      expect(err && err.type === 'host_result' && err.msg).to.equal(err && err.type === 'host_result' && err.result?.failed_when_result);
    } finally {
      cleanup();
    }
  });
});
