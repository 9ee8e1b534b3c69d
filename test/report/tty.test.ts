import { expect } from 'chai';
import { createReporter, JsonReporter, PlainReporter, TtyReporter } from '../../lib/report/index.js';
import type { RunEvent } from '../../lib/report/events.js';
import { defaultColor } from '../../lib/report/style.js';
import { BufferStream, FakeTTY, SCRIPT } from './script.js';
import { screen } from './screen.js';

/** Feed events the way the executor does: synchronously, or with real async gaps between them. */
async function runTty(events: RunEvent[], opts: { gapMs?: number; close?: boolean } = {}): Promise<FakeTTY> {
  const out = new FakeTTY();
  const r = createReporter({ mode: 'auto', out, diff: true, verbosity: 0, color: false });
  expect(r).to.be.instanceOf(TtyReporter);
  for (const ev of events) {
    r.emit(ev);
    if (opts.gapMs) await new Promise((res) => setTimeout(res, opts.gapMs));
  }
  await r.close();
  return out;
}

describe('terminal reporter (listr2)', () => {
  it('leaves one line per task with its outcome, failures and diffs under it, then the recap', async () => {
    const out = await runTty(SCRIPT);
    const seen = screen(out.text);
    const lines = seen.split('\n');
    const at = (s: string): number => {
      const i = lines.findIndex((l) => l.includes(s));
      expect(i, `${JSON.stringify(s)} on screen:\n${seen}`).to.be.greaterThan(-1);
      return i;
    };
    const order = [
      'PLAY [upgrade cluster]',
      'batch 1/3: k1-master01',
      '✔ TASK [etcd : render etcd.env]  changed=1',
      '  changed: [k1-master01]',
      '  -ETCD_DATA_DIR=/var/lib/etcd',
      '  +ETCD_DATA_DIR=/data/etcd',
      '✔ TASK [wait for apiserver]  ok=1',
      'batch 2/3: k1-node01, k1-node02',
      '✔ TASK [etcd : render etcd.env]  ok=1 skipped=1',
      '[WARNING]: k1-node02 has no etcd_member_name',
      '✖ TASK [drain : drain node]  changed=1 unreachable=1',
      '  fatal: [k1-node02]: UNREACHABLE! ssh: connect to 127.0.1.3:22: connection refused',
      '✔ TASK [kubelet : install packages]  rescued=1',
      '✖ TASK [kubelet : set admin password]  failed=1',
      '✔ TASK [check swap]  ignored=1',
      '✔ RUNNING HANDLER [kubelet : restart kubelet]  changed=1',
      'PLAY [upgrade workers]',
      'PLAY RECAP ****',
      'k1-node01                  : ok=3    changed=3    unreachable=0    failed=1    skipped=0    rescued=1    ignored=1',
      'run stopped: drain failed on k1-node02 (unreachable)',
      'never touched: k1-node03, k1-node10',
      'to retry, use: --limit @/tmp/upgrade-cluster.retry',
    ].map(at);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    // the live progress showed how many hosts had answered
    expect(out.text).to.include('TASK [drain : drain node]  2/2 hosts');
    expect(out.text).not.to.include('hunter2');
    // no color codes when color is off (cursor and erase sequences only)
    expect(out.text).not.to.match(/\x1b\[[0-9;]*m/);
    // the cursor is given back
    expect(out.text.lastIndexOf('\x1b[?25h')).to.be.greaterThan(out.text.lastIndexOf('\x1b[?25l'));
  });

  it('shows host progress and retries live while events arrive over time', async () => {
    const script: RunEvent[] = [
      { type: 'play_start', play: 'wait', index: 0, hosts: ['a', 'b'] },
      { type: 'task_start', play: 'wait', task: 'node ready', role: 'kubelet', hosts: ['a', 'b'] },
      { type: 'host_result', task: 'node ready', role: 'kubelet', host: 'a', status: 'ok', changed: false, durationMs: 1 },
      { type: 'retry', task: 'node ready', host: 'b', attempt: 1, retries: 5 },
      { type: 'host_result', task: 'node ready', role: 'kubelet', host: 'b', status: 'changed', changed: true, durationMs: 1 },
      { type: 'task_end', task: 'node ready' },
    ];
    const out = await runTty(script, { gapMs: 20 });
    expect(out.text).to.include('TASK [kubelet : node ready]  1/2 hosts');
    expect(out.text).to.include('retrying b: 4 retries left');
    expect(out.text).to.include('FAILED - RETRYING: [b]: kubelet : node ready (4 retries left)');
    expect(out.text).to.include('TASK [kubelet : node ready]  2/2 hosts');
    expect(screen(out.text)).to.equal('PLAY [wait]\n✔ TASK [kubelet : node ready]  ok=1 changed=1\n');
  });

  it('marks a task every host skipped, and releases the terminal when closed mid-task', async () => {
    const out = await runTty([
      { type: 'task_start', play: 'p', task: 'optional', hosts: ['a'] },
      { type: 'host_result', task: 'optional', host: 'a', status: 'skipped', changed: false, durationMs: 0 },
      { type: 'task_end', task: 'optional' },
      { type: 'task_start', play: 'p', task: 'interrupted', hosts: ['a', 'b'] },
      { type: 'host_result', task: 'interrupted', host: 'a', status: 'ok', changed: false, durationMs: 0 },
    ]);
    const seen = screen(out.text);
    expect(seen).to.include('↓ TASK [optional]  skipped=1');
    expect(seen).to.include('TASK [interrupted]  ok=1');
    expect(out.text.lastIndexOf('\x1b[?25h')).to.be.greaterThan(out.text.lastIndexOf('\x1b[?25l'));
  });
});

describe('createReporter', () => {
  it('picks the rendering from the mode and the stream', () => {
    expect(createReporter({ mode: 'auto', out: new FakeTTY(), diff: false, verbosity: 0 })).to.be.instanceOf(TtyReporter);
    expect(createReporter({ mode: 'auto', out: new BufferStream(), diff: false, verbosity: 0 })).to.be.instanceOf(PlainReporter);
    expect(createReporter({ mode: 'json', out: new FakeTTY(), diff: false, verbosity: 0 })).to.be.instanceOf(JsonReporter);
    expect(createReporter({ mode: 'plain', out: new FakeTTY(), diff: false, verbosity: 0 })).to.be.instanceOf(PlainReporter);
    expect(createReporter({ mode: 'tty', out: new BufferStream(), diff: false, verbosity: 0 })).to.be.instanceOf(TtyReporter);
  });

  const colorCases: { name: string; tty: boolean; env: Record<string, string>; want: boolean }[] = [
    { name: 'terminal', tty: true, env: {}, want: true },
    { name: 'terminal with NO_COLOR=1', tty: true, env: { NO_COLOR: '1' }, want: false },
    { name: 'terminal with empty NO_COLOR', tty: true, env: { NO_COLOR: '' }, want: true },
    { name: 'pipe or file', tty: false, env: {}, want: false },
  ];
  for (const c of colorCases) {
    it(`colors by default: ${c.name} -> ${c.want}`, () => {
      expect(defaultColor(c.tty ? new FakeTTY() : new BufferStream(), c.env)).to.equal(c.want);
    });
  }

  it('plain output to a pipe has no color unless asked', async () => {
    const out = new BufferStream();
    const r = createReporter({ mode: 'auto', out, diff: false, verbosity: 0 });
    r.emit({ type: 'warning', message: 'careful' });
    await r.close();
    expect(out.text).to.equal('[WARNING]: careful\n');
  });
});
