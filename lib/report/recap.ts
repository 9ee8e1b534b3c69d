// PLAY RECAP table and the lines that follow it (stop reason, untouched hosts, retry file).

import type { HostStats, RunEvent } from './events.js';
import { palette, statusPaint, type Palette } from './style.js';

type RecapEvent = Extract<RunEvent, { type: 'recap' }>;

const COLUMNS: readonly (keyof HostStats)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];

function hostPaint(p: Palette, s: HostStats): (t: string) => string {
  if (s.failed > 0 || s.unreachable > 0) return p.red;
  if (s.changed > 0) return p.yellow;
  return p.green;
}

/** Natural order (k1-node2 before k1-node10), so the table does not depend on event order. */
export function sortHosts(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Ansible's layout: host padded to 26 columns (wider when a name is longer), each count as
 * `key=N` padded to 4 digits. Padding happens before coloring so columns line up either way.
 */
export function formatRecap(hosts: Record<string, HostStats>, opts: { color?: boolean } = {}): string {
  const p = palette(opts.color ?? false);
  const names = sortHosts(Object.keys(hosts));
  const width = Math.max(26, ...names.map((n) => n.length));
  const lines = names.map((name) => {
    const s = hosts[name];
    const cells = COLUMNS.map((key, i) => {
      const padded = `${key}=${String(s[key] ?? 0).padEnd(4)}`;
      // no trailing blanks at the end of the line, colored or not
      const cell = i === COLUMNS.length - 1 ? padded.trimEnd() : padded;
      return s[key] > 0 ? statusPaint(p, key)(cell) : cell;
    });
    return `${hostPaint(p, s)(name.padEnd(width))} : ${cells.join(' ')}`;
  });
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Everything printed for the recap event after the banner. */
export function recapTail(ev: RecapEvent, color: boolean): string[] {
  const p = palette(color);
  const out = formatRecap(ev.hosts, { color }).replace(/\n$/, '').split('\n');
  if (Object.keys(ev.hosts).length === 0) out.splice(0, out.length, 'no hosts ran');
  if (ev.stopped || ev.retryFile) out.push('');
  if (ev.stopped) {
    out.push(p.red(`run stopped: ${ev.stopped.reason}`));
    if (ev.stopped.untouched.length > 0) out.push(`never touched: ${ev.stopped.untouched.join(', ')}`);
  }
  if (ev.retryFile) out.push(`to retry, use: --limit @${ev.retryFile}`);
  return out;
}
