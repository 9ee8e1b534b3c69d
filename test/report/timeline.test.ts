// Where a run's time went: the profile after the recap (text and --json) and `tsplay report`'s
// HTML timeline, from real runs (local connection, real sleeps). The page is checked by its
// structure (bars' data-* numbers, escaping), not in a browser: this machine has no chromium.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTimeline, renderTimeline, type StampedEvent } from '../../lib/report/timeline.js';
import { clock, profileLines } from '../../lib/report/profile.js';

const ROOT = process.cwd();
function tsplay(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsplay.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const PLAYBOOK = `import { playbook, command } from '../../lib/index.js';
export default playbook('timed', [
  { name: 'one at a time', hosts: 'all', gatherFacts: false, serial: 1, tasks: (t) => {
    t.task('fast', command('true'));
    t.task('slow <b>&', command('sleep 0.6'));
    t.task('medium', command('sleep 0.3'), { failedWhen: "inventory_hostname == 'h2'" });
  } },
]);
`;

interface BarAttrs { host: string; task: string; status: string; start: number; dur: number }
function bars(html: string): BarAttrs[] {
  return [...html.matchAll(/<div class="bar s-(\w+)"[^>]*data-host="([^"]*)" data-task="([^"]*)" data-status="\w+" data-start-ms="(\d+)" data-duration-ms="(\d+)"/g)]
    .map((m) => ({ status: m[1], host: m[2], task: m[3], start: Number(m[4]), dur: Number(m[5]) }));
}

describe('timing: profile after the recap and tsplay report', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(ROOT, 'test', '.timeline-'));
  const rel = (f: string): string => join(dir.slice(ROOT.length + 1), f);
  after(() => rmSync(dir, { recursive: true, force: true }));
  let jsonl = '';

  before(() => {
    writeFileSync(join(dir, 'timed.ts'), PLAYBOOK);
    const r = tsplay(['run', rel('timed.ts'), '-i', 'h1,h2,', '-c', 'local', '--no-retry-file', '--json']);
    expect(r.code, r.err).to.equal(2);
    jsonl = join(dir, 'run.jsonl');
    writeFileSync(jsonl, r.out);
  });

  it('the text profile lists the slowest tasks (batches added up) and the elapsed time after the recap', () => {
    const r = tsplay(['run', rel('timed.ts'), '-i', 'h1,h2,', '-c', 'local', '--no-retry-file']);
    const tail = r.out.slice(r.out.indexOf('PLAY RECAP'));
    const lines = tail.split('\n');
    const at = lines.findIndex((l) => l.startsWith('TASKS BY TIME'));
    expect(at, tail).to.be.above(2);
    expect(lines[at]).to.match(/^TASKS BY TIME \(slowest 3 of 3; the run took 0:00:0\d\.\d{3}\) \*+$/);
    expect(lines[at].length).to.equal(80);
    const rows = lines.slice(at + 1, at + 4).map((l) => /^(.+?) -{3,} (\d+\.\d\d)s$/.exec(l));
    expect(rows.map((m) => m?.[1])).to.deep.equal(['slow <b>&', 'medium', 'fast']);
    // two hosts one after the other: 2 x 0.6 s of sleep at least
    expect(Number(rows[0]?.[2])).to.be.at.least(1.2);
    expect(lines.slice(at + 1, at + 4).every((l) => l.length === 80)).to.equal(true);
  });

  it('--json ends with the profile event: every task, slowest first, and the elapsed time', () => {
    const events = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StampedEvent);
    const last = events[events.length - 1];
    expect(events[events.length - 2].type).to.equal('recap');
    if (last.type !== 'profile') throw new Error(`last event is ${last.type}`);
    expect(last.tasks.map((t) => t.task)).to.deep.equal(['slow <b>&', 'medium', 'fast']);
    expect(last.tasks[0].durationMs).to.be.at.least(1200);
    expect(last.elapsedMs).to.be.at.least(last.tasks.reduce((a, t) => a + t.durationMs, 0) - 50);
  });

  it('tsplay report draws a row per host and a bar per result where it ran, escaped, with the slowest tasks', () => {
    const r = tsplay(['report', jsonl, '-o', join(dir, 'run.html')]);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal(`wrote ${join(dir, 'run.html')}\n`);
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html).to.match(/^<!doctype html>/);
    expect(html).not.to.match(/<script/i);
    expect(html).to.include('<title>tsplay run: timed</title>');
    expect(html).to.include('slow &#60;b&#62;&#38;').and.not.include('slow <b>&');
    expect([...html.matchAll(/<div class="row" data-host="(\w+)">/g)].map((m) => m[1])).to.deep.equal(['h1', 'h2']);
    const b = bars(html);
    expect(b.map((x) => `${x.host}:${x.task}:${x.status}`)).to.deep.equal([
      'h1:fast:changed', 'h1:slow &#60;b&#62;&#38;:changed', 'h1:medium:changed',
      'h2:fast:changed', 'h2:slow &#60;b&#62;&#38;:changed', 'h2:medium:failed',
    ]);
    const slow1 = b[1];
    expect(slow1.dur).to.be.at.least(600);
    // serial: 1 — h2's first task starts after h1's last one ended
    expect(b[3].start).to.be.at.least(b[2].start + b[2].dur - 5);
    // in each row, bars follow each other in time
    expect(b[1].start).to.be.at.least(b[0].start);
    expect(html).to.match(/<div class="host bad">h2<\/div>/);
    expect(html).to.match(/<tr><td>slow &#60;b&#62;&#38;<\/td><td>one at a time<\/td><td class="num">\d+\.\d\ds<\/td><\/tr>/);
  });

  it('positions bars by time: left and width are their share of the run', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const ts = (ms: number): string => new Date(t0 + ms).toISOString();
    const events: StampedEvent[] = [
      { ts: ts(0), type: 'run_start', playbook: 'p', check: false, diff: false },
      { ts: ts(0), type: 'play_start', play: 'p1', index: 0, hosts: ['a'] },
      { ts: ts(2500), type: 'host_result', task: 't', host: 'a', status: 'ok', changed: false, durationMs: 2500 },
      { ts: ts(10000), type: 'host_result', task: 'u', host: 'a', status: 'changed', changed: true, durationMs: 5000 },
    ];
    const html = renderTimeline(buildTimeline(events));
    expect(html).to.include('style="left:0.000%;width:25.000%"');
    expect(html).to.include('style="left:50.000%;width:50.000%"');
    expect(html).to.include('took 0:00:10.000');
  });

  it('a file that is not --json output is a located error, not a stack trace', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"type":"run_start","ts":"2026-01-01T00:00:00Z","playbook":"p"}\nPLAY [x] ****\n');
    const r = tsplay(['report', bad]);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(new RegExp(`^ERROR: ${bad}:2: not a JSON event`));
  });

  it('clock() and profileLines() keep Ansible-like shapes', () => {
    expect(clock(3_723_456)).to.equal('1:02:03.456');
    expect(profileLines({ type: 'profile', tasks: [], elapsedMs: 5 })).to.deep.equal([]);
    const l = profileLines({ type: 'profile', tasks: [{ play: 'p', task: 'restart', role: 'kubelet', handler: true, durationMs: 1234 }], elapsedMs: 2000 });
    expect(l[1]).to.match(/^handler kubelet : restart -+ 1\.23s$/);
  });
});
