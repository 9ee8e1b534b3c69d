// Where the time went, like Ansible's profile_tasks callback: each task's wall time from its
// start to its end (a task run in several serial batches adds up), printed after the recap as
// the slowest tasks, and sent whole as a `profile` event with --json (tsplay report reads it).
import type { Reporter, RunEvent, TaskTime } from './events.js';
import { BANNER_WIDTH, banner, taskName } from './lines.js';

/** How many tasks the text profile lists (profile_tasks' default is 20; a recap should stay short). */
export const PROFILE_SHOWN = 10;

/** Watches the events a reporter gets and adds the `profile` event after the recap. */
export class ProfilingReporter implements Reporter {
  private readonly started: number;
  private readonly times = new Map<string, TaskTime>();
  private current?: { key: string; at: number };

  constructor(private readonly inner: Reporter, private readonly now: () => number = Date.now) {
    this.started = now();
  }

  emit(ev: RunEvent): void {
    if (ev.type === 'task_start' || ev.type === 'play_start' || ev.type === 'recap') this.stop();
    if (ev.type === 'task_start') {
      const key = JSON.stringify([ev.play, ev.role ?? '', ev.task, Boolean(ev.handler)]);
      if (!this.times.has(key)) this.times.set(key, { play: ev.play, task: ev.task, role: ev.role, handler: ev.handler, durationMs: 0 });
      this.current = { key, at: this.now() };
    }
    if (ev.type === 'task_end') this.stop();
    this.inner.emit(ev);
    if (ev.type === 'recap') {
      const tasks = [...this.times.values()].sort((a, b) => b.durationMs - a.durationMs);
      this.inner.emit({ type: 'profile', tasks, elapsedMs: this.now() - this.started });
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private stop(): void {
    if (!this.current) return;
    const t = this.times.get(this.current.key);
    if (t) t.durationMs += this.now() - this.current.at;
    this.current = undefined;
  }
}

/** `0:01:05.432`, Ansible's elapsed-time format. */
export function clock(ms: number): string {
  const h = Math.floor(ms / 3600_000);
  const m = Math.floor((ms % 3600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}

/** The text after the recap: a banner with the elapsed time, then `name ---- 1.23s` lines. */
export function profileLines(ev: Extract<RunEvent, { type: 'profile' }>): string[] {
  const shown = ev.tasks.slice(0, PROFILE_SHOWN);
  if (shown.length === 0) return [];
  const head = banner(`TASKS BY TIME (slowest ${shown.length} of ${ev.tasks.length}; the run took ${clock(ev.elapsedMs)})`);
  return [
    head,
    ...shown.map((t) => {
      const name = `${t.handler ? 'handler ' : ''}${taskName(t.task, t.role)}`;
      const secs = `${(t.durationMs / 1000).toFixed(2)}s`;
      const dashes = Math.max(3, BANNER_WIDTH - 2 - name.length - secs.length);
      return `${name} ${'-'.repeat(dashes)} ${secs}`;
    }),
  ];
}
