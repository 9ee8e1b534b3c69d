import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { async_status, command, file, shell, type TaskBuilder } from '../../lib/index.js';
import { localInventory, runPlays, scratch, type TestRun } from '../helpers/run.js';
import { ansibleEnv } from '../helpers/ansible-playbook.js';
import { cachedRun } from '../helpers/ansible-cache.js';
import { collectOutput } from '../../lib/util/spawn.js';

// async/poll and async_status on a local host (real /bin/sh, real python3 runner, real detached
// processes), and side by side with ansible-playbook 2.14 for the same tasks.

type R = Record<string, unknown>;
const resultOf = (run: TestRun, task: string): R => {
  const e = run.events.find((x) => x.type === 'host_result' && x.task === task);
  if (!e || e.type !== 'host_result' || !e.result) throw new Error(`no result for ${task}`);
  return e.result as R;
};
const JID = /^j\d{12}\.\d+$/;

describe('async / poll / async_status', function () {
  this.timeout(90_000);
  let dir: string;
  let cleanup: () => void;
  let inv: string;
  beforeEach(() => {
    ({ dir, cleanup } = scratch('tsplay-async-'));
    inv = localInventory(dir, ['h1']);
  });
  afterEach(() => cleanup());

  it('poll > 0: the command runs detached, is polled with a line per poll, and gives the module result with the job ids', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          // the job's parent is not the task's shell: it was started in a session of its own
          t.task('long', shell('sleep 2.2; echo hi; ps -o sid= -p $$ | tr -d " "; echo err >&2'), { async: 10, poll: 1, register: 'r' });
        },
      },
    ]);
    expect(run.exitCode).to.equal(0);
    const r = resultOf(run, 'long');
    expect(r).to.deep.include({ changed: true, rc: 0, stderr: 'err', started: 1, finished: 1 });
    const [hi, sid] = String(r.stdout).split('\n');
    expect(hi).to.equal('hi');
    expect(Number(sid)).to.not.equal(process.pid);
    expect(r.ansible_job_id).to.match(JID);
    expect(r.results_file).to.equal(`${process.env.HOME}/.ansible_async/${r.ansible_job_id as string}`);
    // the job's own start/end (host clock, Ansible's format), and the status file is cleaned up
    expect(r.start).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(r.delta).to.match(/^0:00:02\.\d{6}$/);
    expect(existsSync(r.results_file as string)).to.equal(false);
    const polls = run.events.flatMap((e) => (e.type === 'log' && e.task === 'long' ? [e.message] : []));
    expect(polls.length).to.be.within(1, 3);
    expect(polls[0]).to.equal(`ASYNC POLL on h1: jid=${r.ansible_job_id as string} started=1 finished=0`);
  });

  it('a failing command fails the task with the module\'s message; too long fails with Ansible\'s message and the job is killed', async () => {
    const marker = join(dir, 'not-reached');
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('fails', shell('echo out; exit 3'), { async: 10, poll: 1, ignoreErrors: true });
          t.task('too long', shell(`sleep 4; touch ${marker}`), { async: 2, poll: 1, ignoreErrors: true });
        },
      },
    ]);
    const f = resultOf(run, 'fails');
    expect(f).to.deep.include({ failed: true, changed: true, rc: 3, stdout: 'out', msg: 'non-zero return code', finished: 1 });
    const t = resultOf(run, 'too long');
    expect(t).to.deep.include({ failed: true, changed: false, msg: 'async task did not complete within the requested time - 2s' });
    expect(t.async_result).to.deep.include({ started: 1, finished: 0, stdout: '' });
    await new Promise((r) => setTimeout(r, 3500));
    expect(existsSync(marker), 'the job was killed at its limit').to.equal(false);
  });

  it('poll 0 returns the job at once; async_status reports it running, then the module\'s result; cleanup erases it', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('fire', command('sleep 1.5'), { async: 30, poll: 0, register: 'job' });
          t.task('now', async_status({ jid: '{{ job.ansible_job_id }}' }));
          t.task('wait', async_status({ jid: '{{ job.ansible_job_id }}' }), { register: 'st', until: 'st.finished', retries: 20, delay: 1 });
          t.task('clean', async_status({ jid: '{{ job.ansible_job_id }}', mode: 'cleanup' }));
          t.task('gone', async_status({ jid: '{{ job.ansible_job_id }}' }), { ignoreErrors: true });
        },
      },
    ]);
    const j = resultOf(run, 'fire');
    const fired = run.events.find((e) => e.type === 'host_result' && e.task === 'fire');
    expect(fired?.type === 'host_result' && fired.durationMs, 'fire and forget returns at once').to.be.below(1000);
    expect(j).to.deep.include({ changed: true, started: 1, finished: 0 });
    expect(Object.keys(j).sort()).to.deep.equal(['ansible_job_id', 'changed', 'failed', 'finished', 'results_file', 'started']);
    expect(resultOf(run, 'now')).to.deep.include({ changed: false, started: 1, finished: 0, stdout: '' });
    const w = resultOf(run, 'wait');
    expect(w).to.deep.include({ changed: true, rc: 0, finished: 1, started: 1, ansible_job_id: j.ansible_job_id, results_file: j.results_file });
    expect(w.cmd).to.deep.equal(['sleep', '1.5']);
    expect(w.delta).to.match(/^0:00:01\.\d{6}$/);
    expect(resultOf(run, 'clean')).to.deep.include({ erased: j.results_file });
    expect(resultOf(run, 'gone')).to.deep.include({ failed: true, msg: 'could not find job', finished: 1 });
  });

  it('the command gets its stdin, and the job runner\'s arguments do not carry the command (which may hold a secret)', async () => {
    const marker = `tsplay-secret-${process.pid}`;
    const seen = join(dir, 'ps.txt');
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('fed', shell({ cmd: `X=${marker}; cat; sleep 1.5`, stdin: 'fed' }), { async: 10, poll: 0, register: 'job' });
          t.task('ps', shell(`ps -eo args > ${seen}`));
          t.task('done', async_status({ jid: '{{ job.ansible_job_id }}' }), { register: 'st', until: 'st.finished', retries: 10, delay: 1 });
        },
      },
    ]);
    expect(run.exitCode).to.equal(0);
    expect(resultOf(run, 'done')).to.deep.include({ stdout: 'fed', rc: 0 });
    // the job runner (still running: the command sleeps) carries only its job id, limit and dir;
    // the command reaches sh in a private file. (shell's own `/bin/sh -c CMD` shows it, as Ansible's does.)
    const runners = readFileSync(seen, 'utf8').split('\n').filter((l) => l.includes('import base64,datetime'));
    expect(runners.length).to.equal(1);
    expect(runners[0]).to.match(/ j\d{12}\.\d+ 10 \S+\/\.ansible_async$/);
  });

  it('poll 0 in a loop starts one job per item; async_status looped over the results waits for each', async () => {
    const run = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          const pulls = t.task('pull', shell('sleep 1; echo {{ item }}'), { loop: ['a', 'b'], async: 30, poll: 0 });
          t.task('pulled', async_status({ jid: '{{ item.ansible_job_id }}' }), { loop: (h) => h.result(pulls).results, register: 'pulled', until: 'pulled.finished', retries: 10, delay: 1 });
        },
      },
    ]);
    expect(run.exitCode).to.equal(0);
    const pulled = run.events.flatMap((e) => (e.type === 'host_result' && e.task === 'pulled' ? [e.status] : []));
    expect(pulled).to.deep.equal(['changed', 'changed']);
    const jobs = run.events.flatMap((e) => (e.type === 'host_result' && e.task === 'pull' && e.item !== undefined ? [e.status] : []));
    expect(jobs).to.deep.equal(['changed', 'changed']);
  });

  it('refuses --check (Ansible\'s message) and a module that does not run one command, naming the task', async () => {
    const plays: PlaySpec[] = [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('checked', command('true'), { async: 5, poll: 1, ignoreErrors: true });
          t.task('file async', file({ path: join(dir, 'x'), state: 'touch' }), { async: 5, ignoreErrors: true });
        },
      },
    ];
    const run = await runPlays(inv, plays, { check: true });
    expect(resultOf(run, 'checked')).to.deep.include({ failed: true, msg: 'check mode and async cannot be used on same task.' });
    expect(String(resultOf(run, 'file async').msg)).to.match(/^task 'file async' at test\/executor\/async\.test\.ts:\d+, host h1: option async: module file does not take it/);
  });

  it('an async value from variables is validated with a located error', async () => {
    const run = await runPlays(inv, [{ hosts: 'all', gatherFacts: false, vars: { limit: 'soon' }, tasks: (t: TaskBuilder) => void t.task('bad', command('true'), { async: '{{ limit }}' }) }]);
    expect(String(resultOf(run, 'bad').msg)).to.match(/^task 'bad' at .*, host h1: option async \(from '\{\{ limit \}\}'\): /);
  });

  it('ansible-playbook 2.14 gives the same keys and messages for the same tasks', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: long, shell: "sleep 1.2; echo hi", async: 10, poll: 1}
    - {name: fails, shell: "echo out; exit 3", async: 10, poll: 1, ignore_errors: true}
    - {name: too long, shell: "sleep 6", async: 2, poll: 1, ignore_errors: true}
    - {name: fire, command: "sleep 1", async: 30, poll: 0, register: job}
    - {name: now, async_status: {jid: "{{ job.ansible_job_id }}"}}
    - {name: wait, async_status: {jid: "{{ job.ansible_job_id }}"}, register: st, until: st.finished, retries: 20, delay: 1}
    - {name: gone, async_status: {jid: nope.1}, ignore_errors: true}
`;
    writeFileSync(join(dir, 'pb.yml'), yaml);
    const theirs = await ansibleJson(dir, ['-i', 'h1,', '-c', 'local', 'pb.yml']);
    const ours = await runPlays(inv, [
      {
        hosts: 'all',
        gatherFacts: false,
        tasks: (t: TaskBuilder) => {
          t.task('long', shell('sleep 1.2; echo hi'), { async: 10, poll: 1 });
          t.task('fails', shell('echo out; exit 3'), { async: 10, poll: 1, ignoreErrors: true });
          t.task('too long', shell('sleep 6'), { async: 2, poll: 1, ignoreErrors: true });
          t.task('fire', command('sleep 1'), { async: 30, poll: 0, register: 'job' });
          t.task('now', async_status({ jid: '{{ job.ansible_job_id }}' }));
          t.task('wait', async_status({ jid: '{{ job.ansible_job_id }}' }), { register: 'st', until: 'st.finished', retries: 20, delay: 1 });
          t.task('gone', async_status({ jid: 'nope.1' }), { ignoreErrors: true });
        },
      },
    ]);
    // Ansible adds these of its own: invocation, interpreter discovery, warnings, failure bookkeeping
    const IGNORE = new Set(['invocation', 'action', 'ansible_facts', 'warnings', 'deprecations', '_ansible_no_log', 'attempts', 'failed', 'msg']);
    const shape = (r: R): R => {
      const out: R = {};
      for (const [k, v] of Object.entries(r)) {
        if (IGNORE.has(k) || k.startsWith('_ansible')) continue;
        if (k === 'async_result') out[k] = shape(v as R);
        else out[k] = ['ansible_job_id', 'results_file', 'start', 'end', 'delta'].includes(k) ? typeof v : v;
      }
      return out;
    };
    for (const task of ['long', 'fails', 'too long', 'fire', 'now', 'wait', 'gone']) {
      const a = theirs[task];
      const b = resultOf(ours, task);
      expect(shape(b), task).to.deep.equal(shape(a));
      expect(Boolean(b.failed), `${task} failed`).to.equal(Boolean(a.failed));
      // Ansible's command module also says msg: '' on success; tsplay's has no msg there
      if (a.msg) expect(b.msg, `${task} msg`).to.equal(a.msg);
    }
  });
});

/** ansible-playbook with the json callback: each task's result on host h1, by task name. */
async function ansibleJson(dir: string, args: string[]): Promise<Record<string, R>> {
  const r = await cachedRun(dir, args, 'json', async () => {
    const c = await collectOutput('ansible-playbook', args, { cwd: dir, env: ansibleEnv(dir, 'json') });
    return { code: c.rc, stdout: c.stdout, stderr: c.stderr };
  });
  try {
    const doc = JSON.parse(r.stdout) as { plays: { tasks: { task: { name: string }; hosts: Record<string, R> }[] }[] };
    return Object.fromEntries(doc.plays[0].tasks.map((t) => [t.task.name, t.hosts.h1]));
  } catch (e) {
    throw new Error(`ansible-playbook output: ${r.stdout.slice(0, 2000)} (${(e as Error).message})`);
  }
}
