// Plain lines for logs and CI (not a terminal): Ansible's layout, stable and greppable.

import type { Reporter, RunEvent } from './events.js';
import { banner, diffLines, hostResultLines, logLines, retryLine, taskHeader, warningLine } from './lines.js';
import { recapTail } from './recap.js';
import { profileLines } from './profile.js';
import { LineWriter } from './writer.js';

export interface PlainReporterOptions {
  out: NodeJS.WritableStream;
  diff: boolean;
  verbosity: number;
  color: boolean;
  secrets?: readonly string[];
}

export class PlainReporter implements Reporter {
  private readonly w: LineWriter;
  private task: { name: string; label: string } | undefined;
  /** hosts that printed a debug message in the current task: their bare `ok: [h]` is redundant */
  private logged = new Set<string>();

  constructor(private readonly opts: PlainReporterOptions) {
    this.w = new LineWriter(opts.out, opts.secrets);
  }

  emit(ev: RunEvent): void {
    const color = this.opts.color;
    switch (ev.type) {
      case 'run_start':
      case 'task_end':
        return;
      case 'play_start':
        this.task = undefined;
        return this.banner(`PLAY [${ev.play}]`);
      case 'play_skipped':
        this.banner(`PLAY [${ev.play}]`);
        return this.w.lines([`skipping: ${ev.reason}`]);
      case 'batch_start':
        if (ev.batches > 1) this.section([`batch ${ev.batch}/${ev.batches}: ${ev.hosts.join(', ')}`]);
        return;
      case 'task_start': {
        const { label, header } = taskHeader(ev);
        this.task = { name: ev.task, label };
        this.logged = new Set();
        return this.banner(header);
      }
      case 'host_result':
        return this.hostResult(ev);
      case 'retry': {
        const label = this.task?.name === ev.task ? this.task.label : ev.task;
        return this.w.lines([retryLine(ev, label, { verbosity: this.opts.verbosity, color })]);
      }
      case 'log':
        if (ev.host) this.logged.add(ev.host);
        return this.w.lines(logLines(ev, color));
      case 'warning':
        return this.w.lines([warningLine(ev.message, color)]);
      case 'recap':
        this.banner('PLAY RECAP');
        return this.w.lines(recapTail(ev, color));
      case 'profile': {
        const lines = profileLines(ev);
        return lines.length ? this.section(lines) : undefined;
      }
    }
  }

  close(): Promise<void> {
    return this.w.flush();
  }

  private hostResult(ev: Extract<RunEvent, { type: 'host_result' }>): void {
    const quiet =
      ev.status === 'ok' && ev.item === undefined && this.logged.has(ev.host) && this.opts.verbosity === 0;
    if (!quiet) this.w.lines(hostResultLines(ev, { verbosity: this.opts.verbosity, color: this.opts.color }));
    const diff = diffLines(ev, this.opts);
    if (diff.length) this.w.lines(diff);
  }

  /** A blank line separates sections, except at the very top of the output. */
  private section(lines: string[]): void {
    this.w.lines(this.w.started ? ['', ...lines] : lines);
  }

  private banner(text: string): void {
    this.section([banner(text)]);
  }
}
