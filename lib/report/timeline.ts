// `tsplay report`: a run's --json events as one self-contained HTML page (no script, no network)
// a person can open to see where a long run (an upgrade) spent its time: a row per host, a bar
// per task result from its start to its end coloured by status, play boundaries, a time axis, and
// the slowest tasks. Every bar carries data-* attributes with its numbers, for tools and tests.
import type { HostStatus, RunEvent, TaskTime } from './events.js';
import { clock } from './profile.js';

/** A --json line: the event plus its `ts`. */
export type StampedEvent = RunEvent & { ts: string };

export interface Bar {
  host: string;
  task: string;
  role?: string;
  status: HostStatus;
  item?: string;
  /** ms from the run's start */
  startMs: number;
  durationMs: number;
}

export interface Timeline {
  playbook: string;
  startedAt: string;
  elapsedMs: number;
  hosts: string[];
  bars: Bar[];
  plays: { name: string; startMs: number }[];
  slowest: TaskTime[];
  recap?: Extract<RunEvent, { type: 'recap' }>;
}

/** The timeline of a run from its events (in the order they were written). */
export function buildTimeline(events: StampedEvent[]): Timeline {
  const times = events.map((e) => Date.parse(e.ts));
  const first = events.find((e) => e.type === 'run_start');
  // a result's bar starts durationMs before it was reported; the run starts no later than that
  const t0 = Math.min(...events.map((e, i) => times[i] - (e.type === 'host_result' ? e.durationMs : 0)));
  const hosts: string[] = [];
  const bars: Bar[] = [];
  const plays: Timeline['plays'] = [];
  let recap: Timeline['recap'];
  let profile: Extract<RunEvent, { type: 'profile' }> | undefined;
  events.forEach((e, i) => {
    const at = times[i] - t0;
    if (e.type === 'play_start') {
      plays.push({ name: e.play, startMs: at });
      for (const h of e.hosts) if (!hosts.includes(h)) hosts.push(h);
    } else if (e.type === 'host_result') {
      if (!hosts.includes(e.host)) hosts.push(e.host);
      bars.push({ host: e.host, task: e.task, role: e.role, status: e.status, item: e.item, startMs: Math.max(0, at - e.durationMs), durationMs: e.durationMs });
    } else if (e.type === 'recap') recap = e;
    else if (e.type === 'profile') profile = e;
  });
  const end = Math.max(0, ...times.map((t) => t - t0), ...bars.map((b) => b.startMs + b.durationMs));
  return {
    playbook: first?.type === 'run_start' ? first.playbook : '(unknown playbook)',
    startedAt: new Date(t0).toISOString(),
    elapsedMs: profile?.elapsedMs ?? end,
    hosts,
    bars,
    plays,
    slowest: (profile?.tasks ?? slowestFromBars(bars)).slice(0, 15),
    recap,
  };
}

/** Without a profile event (a run cut short): each task's span from its first start to its last end. */
function slowestFromBars(bars: Bar[]): TaskTime[] {
  const spans = new Map<string, TaskTime & { from: number; to: number }>();
  for (const b of bars) {
    const key = `${b.role ?? ''}\0${b.task}`;
    const s = spans.get(key) ?? { play: '', task: b.task, role: b.role, durationMs: 0, from: b.startMs, to: b.startMs + b.durationMs };
    s.from = Math.min(s.from, b.startMs);
    s.to = Math.max(s.to, b.startMs + b.durationMs);
    s.durationMs = s.to - s.from;
    spans.set(key, s);
  }
  return [...spans.values()].map(({ from: _f, to: _t, ...t }) => t).sort((a, b) => b.durationMs - a.durationMs);
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (ms: number, total: number): string => `${((ms / total) * 100).toFixed(3)}%`;

/** A tick every 1, 2, 5, 10, ... seconds so the axis has about ten. */
function tickStep(totalMs: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  return steps.find((s) => totalMs / s <= 10) ?? 7200_000;
}

const COLORS: Record<HostStatus, string> = {
  ok: '#3a9d5d', changed: '#d9a400', failed: '#d23c3c', unreachable: '#8b1a1a', skipped: '#5aa9c8', ignored: '#c96f6f', rescued: '#9b59b6',
};

export function renderTimeline(t: Timeline): string {
  const total = Math.max(t.elapsedMs, 1);
  const step = tickStep(total);
  const ticks: string[] = [];
  for (let ms = 0; ms <= total; ms += step) ticks.push(`<span class="tick" style="left:${pct(ms, total)}">${esc(clock(ms).replace(/^0:/, '').replace(/\.\d+$/, ''))}</span>`);
  const playLines = t.plays.map((p) => `<div class="play" style="left:${pct(p.startMs, total)}" title="PLAY [${esc(p.name)}]"><span>${esc(p.name)}</span></div>`).join('');
  const rows = t.hosts.map((h) => {
    const bars = t.bars.filter((b) => b.host === h).map((b) => {
      const name = `${b.role ? `${b.role} : ` : ''}${b.task}${b.item !== undefined ? ` (item=${b.item})` : ''}`;
      return `<div class="bar s-${b.status}" style="left:${pct(b.startMs, total)};width:${pct(b.durationMs, total)}" data-host="${esc(h)}" data-task="${esc(name)}" data-status="${b.status}" data-start-ms="${b.startMs}" data-duration-ms="${b.durationMs}" title="${esc(`${name}: ${b.status}, ${(b.durationMs / 1000).toFixed(2)}s at +${(b.startMs / 1000).toFixed(2)}s`)}">${esc(name)}</div>`;
    }).join('');
    const stats = t.recap?.hosts[h];
    const bad = stats && (stats.failed > 0 || stats.unreachable > 0);
    return `<div class="row" data-host="${esc(h)}"><div class="host${bad ? ' bad' : ''}">${esc(h)}</div><div class="track">${bars}</div></div>`;
  }).join('\n');
  const slow = t.slowest.map((s) => `<tr><td>${esc(`${s.handler ? 'handler ' : ''}${s.role ? `${s.role} : ` : ''}${s.task}`)}</td><td>${esc(s.play)}</td><td class="num">${(s.durationMs / 1000).toFixed(2)}s</td></tr>`).join('\n');
  const legend = (Object.keys(COLORS) as HostStatus[]).map((s) => `<span class="key"><i class="s-${s}"></i>${s}</span>`).join(' ');
  const statusCss = (Object.entries(COLORS) as [HostStatus, string][]).map(([s, c]) => `.s-${s}{background:${c}}`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tsplay run: ${esc(t.playbook)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#555;margin-bottom:16px}
.chart{position:relative;border:1px solid #ccc;padding:28px 8px 8px 8px}
.axis{position:relative;height:18px;margin-left:180px;border-bottom:1px solid #999}
.tick{position:absolute;top:0;font-size:11px;color:#555;transform:translateX(-50%)}
.rows{position:relative}
.row{display:flex;align-items:center;height:22px;border-bottom:1px solid #f0f0f0}
.host{width:172px;padding-right:8px;text-align:right;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-family:monospace}
.host.bad{color:#b00}
.track{position:relative;flex:1;height:16px;background:#fafafa}
.bar{position:absolute;top:1px;height:14px;min-width:2px;box-sizing:border-box;border-right:1px solid #fff;border-radius:2px;overflow:hidden;white-space:nowrap;font-size:10px;line-height:14px;color:#fff;padding-left:3px}
.plays{position:absolute;top:0;bottom:0;left:188px;right:8px;pointer-events:none}
.play{position:absolute;top:0;bottom:0;border-left:1px dashed #888}
.play span{position:absolute;top:2px;left:3px;font-size:11px;color:#444;white-space:nowrap}
.legend{margin:10px 0}
.key{margin-right:12px}.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
table{border-collapse:collapse;margin-top:16px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
${statusCss}
</style>
</head>
<body>
<h1>${esc(t.playbook)}</h1>
<div class="meta">started ${esc(t.startedAt)} · took ${esc(clock(t.elapsedMs))} · ${t.hosts.length} hosts · ${t.bars.length} task results</div>
<div class="legend">${legend}</div>
<div class="chart">
<div class="plays">${playLines}</div>
<div class="axis">${ticks.join('')}</div>
<div class="rows">
${rows}
</div>
</div>
<h2>Slowest tasks</h2>
<table><thead><tr><th>task</th><th>play</th><th class="num">time</th></tr></thead>
<tbody>
${slow}
</tbody></table>
</body>
</html>
`;
}
