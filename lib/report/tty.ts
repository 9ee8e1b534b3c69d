// Live progress in a terminal with listr2. Events arrive synchronously from the executor, while
// listr2 renders asynchronously, so every piece of output goes through one ordered queue.
//
// Each TASK is its own short-lived Listr: it starts on task_start, its promise resolves on
// task_end, and when it ends listr2 leaves the final line (✔/✖/↓ and the summary) in the
// scrollback. The live region therefore stays one task high, whatever the number of tasks, which
// keeps log-update's redraw correct even for long runs. Failures, diffs and debug output are
// written under the task line once it completes (full text, colors kept); while it runs the
// latest host line shows in listr2's output bar.

import { DefaultRenderer, Listr, ListrDefaultRendererLogLevels, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { HostStatus, Reporter, RunEvent } from './events.js';
import { banner, diffLines, hostResultLines, logLines, retryLine, taskHeader, warningLine } from './lines.js';
import { recapTail } from './recap.js';
import { profileLines } from './profile.js';
import { palette, statusPaint, type Palette } from './style.js';
import { maskSecrets } from './mask.js';

export interface TtyReporterOptions {
  out: NodeJS.WritableStream;
  /** where listr2 buffers stray stderr writes while it draws; defaults to `out` */
  err?: NodeJS.WritableStream;
  diff: boolean;
  verbosity: number;
  color: boolean;
  secrets?: readonly string[];
}

type HostResult = Extract<RunEvent, { type: 'host_result' }>;

/** Worst outcome wins when a host reports several results (loop items). */
const RANK: Record<HostStatus, number> = { skipped: 0, ok: 1, changed: 2, ignored: 3, rescued: 4, failed: 5, unreachable: 6 };
const SUMMARY_ORDER: readonly HostStatus[] = ['ok', 'changed', 'failed', 'unreachable', 'skipped', 'ignored', 'rescued'];

interface LiveTask {
  name: string;
  /** `role : name`, as retry lines name the task */
  short: string;
  /** `TASK [role : name]` or `RUNNING HANDLER [...]` */
  label: string;
  hosts: number;
  status: Map<string, HostStatus>;
  retrying: Map<string, string>;
  /** full text written under the task line when it completes */
  details: string[];
  /** latest line for the live output bar */
  live?: string;
  wrapper?: ListrTaskWrapper<unknown, never, never>;
  finish: () => void;
  finished: Promise<void>;
}

export class TtyReporter implements Reporter {
  private queue: Promise<void> = Promise.resolve();
  private current: LiveTask | undefined;
  private wrote = false;
  private readonly p: Palette;
  private readonly secrets: readonly string[];

  constructor(private readonly opts: TtyReporterOptions) {
    this.p = palette(opts.color);
    this.secrets = opts.secrets ?? [];
  }

  emit(ev: RunEvent): void {
    switch (ev.type) {
      case 'run_start':
        return;
      case 'play_start':
        return this.section([this.p.bold(`PLAY [${ev.play}]`)]);
      case 'play_skipped':
        return this.section([this.p.bold(`PLAY [${ev.play}]`), this.p.cyan(`skipping: ${ev.reason}`)]);
      case 'batch_start':
        if (ev.batches > 1) this.lines([this.p.bold(`batch ${ev.batch}/${ev.batches}: ${ev.hosts.join(', ')}`)]);
        return;
      case 'task_start':
        return this.startTask(ev);
      case 'host_result':
        return this.hostResult(ev);
      case 'retry': {
        const t = this.current;
        if (!t) return this.lines([retryLine(ev, ev.task, this.lineOpts())]);
        t.retrying.set(ev.host, `${Math.max(0, ev.retries - ev.attempt)} retries left`);
        t.live = retryLine(ev, t.short, this.lineOpts());
        return this.refresh(t);
      }
      case 'task_end':
        if (this.current && this.current.name === ev.task) this.endTask();
        return;
      case 'log':
        return this.detail(logLines(ev, this.opts.color));
      case 'warning':
        return this.detail([warningLine(ev.message, this.opts.color)]);
      case 'recap':
        this.endTask();
        this.section([banner('PLAY RECAP')]);
        return this.lines(recapTail(ev, this.opts.color));
      case 'profile': {
        const lines = profileLines(ev);
        return lines.length ? this.section(lines) : undefined;
      }
    }
  }

  async close(): Promise<void> {
    // an interrupted run still has to give the terminal back (cursor, live region)
    this.endTask();
    await this.queue;
    await new Promise<void>((resolve) => this.opts.out.write('', () => resolve()));
  }

  private lineOpts(): { verbosity: number; color: boolean } {
    return { verbosity: this.opts.verbosity, color: this.opts.color };
  }

  private enqueue(op: () => Promise<void> | void): void {
    this.queue = this.queue.then(op).catch(() => undefined);
  }

  private lines(lines: string[]): void {
    if (lines.length === 0) return;
    this.wrote = true;
    const text = maskSecrets(lines.join('\n') + '\n', this.secrets);
    this.enqueue(() => void this.opts.out.write(text));
  }

  private section(lines: string[]): void {
    this.endTask();
    this.lines(this.wrote ? ['', ...lines] : lines);
  }

  /** Text that belongs under the current task, or a line of its own between tasks. */
  private detail(lines: string[]): void {
    const t = this.current;
    if (!t) return this.lines(lines);
    t.details.push(...lines);
    t.live = lines[0];
    this.refresh(t);
  }

  private startTask(ev: Extract<RunEvent, { type: 'task_start' }>): void {
    this.endTask();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { label, header } = taskHeader(ev);
    const t: LiveTask = {
      name: ev.task,
      short: label,
      label: header,
      hosts: ev.hosts.length,
      status: new Map(),
      retrying: new Map(),
      details: [],
      finish,
      finished,
    };
    this.current = t;
    this.wrote = true;
    this.enqueue(() => this.runTask(t));
  }

  private endTask(): void {
    const t = this.current;
    if (!t) return;
    this.current = undefined;
    t.finish();
  }

  private hostResult(ev: HostResult): void {
    const t = this.current;
    const lines = hostResultLines(ev, this.lineOpts());
    const diff = diffLines(ev, this.opts);
    if (!t) return this.lines([...lines, ...diff]);
    const prev = t.status.get(ev.host);
    if (!prev || RANK[ev.status] > RANK[prev] || (prev === 'skipped' && ev.item !== undefined)) t.status.set(ev.host, ev.status);
    t.retrying.delete(ev.host);
    const bad = ev.status !== 'ok' && ev.status !== 'changed' && ev.status !== 'skipped';
    if (bad || this.opts.verbosity >= 1) t.details.push(...lines);
    if (diff.length > 0) {
      // the diff needs its host line above it
      if (!bad && this.opts.verbosity < 1) t.details.push(...lines);
      t.details.push(...diff);
    }
    t.live = lines[0];
    this.refresh(t);
  }

  private title(t: LiveTask): string {
    const retry = [...t.retrying].map(([h, left]) => `${h}: ${left}`);
    const suffix = retry.length > 0 ? `  ${this.p.yellow(`retrying ${retry.join(', ')}`)}` : '';
    return maskSecrets(`${t.label}  ${t.status.size}/${t.hosts} hosts${suffix}`, this.secrets);
  }

  private summary(t: LiveTask): { title: string; outcome: 'ok' | 'failed' | 'skipped' } {
    const counts = new Map<HostStatus, number>();
    for (const s of t.status.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    const parts = SUMMARY_ORDER.filter((s) => counts.has(s)).map((s) => statusPaint(this.p, s)(`${s}=${counts.get(s)}`));
    const title = maskSecrets(`${t.label}  ${parts.length > 0 ? parts.join(' ') : 'no hosts'}`, this.secrets);
    const failed = (counts.get('failed') ?? 0) + (counts.get('unreachable') ?? 0) > 0;
    const skipped = counts.size > 0 && counts.size === (counts.get('skipped') ? 1 : 0);
    return { title, outcome: failed ? 'failed' : skipped ? 'skipped' : 'ok' };
  }

  private refresh(t: LiveTask): void {
    if (!t.wrapper) return;
    t.wrapper.title = this.title(t);
    if (t.live !== undefined) t.wrapper.output = maskSecrets(t.live, this.secrets);
  }

  private async runTask(t: LiveTask): Promise<void> {
    const out = this.opts.out as NodeJS.WriteStream;
    const err = (this.opts.err ?? this.opts.out) as NodeJS.WriteStream;
    const logger = new ListrLogger<ListrDefaultRendererLogLevels>({
      useIcons: true,
      processOutput: new ProcessOutput(out, err, { leaveEmptyLine: false }),
    });
    const listr = new Listr(
      [
        {
          title: this.title(t),
          task: async (_ctx, wrapper): Promise<void> => {
            t.wrapper = wrapper as unknown as ListrTaskWrapper<unknown, never, never>;
            this.refresh(t);
            await t.finished;
            t.wrapper = undefined;
            const { title, outcome } = this.summary(t);
            wrapper.title = title;
            if (outcome === 'failed') throw new Error(title);
            if (outcome === 'skipped') wrapper.skip(title);
          },
          rendererOptions: { outputBar: 1, persistentOutput: false },
        },
      ],
      {
        renderer: TerminalRenderer,
        fallbackRendererCondition: false,
        silentRendererCondition: false,
        registerSignalListeners: false,
        rendererOptions: {
          logger,
          removeEmptyLines: false,
          collapseErrors: true,
          showErrorMessage: true,
          ...(this.opts.color ? {} : { color: uncolored() }),
        },
      },
    );
    try {
      await listr.run();
    } catch {
      // a failed task is shown by its ✖ line; nothing else to report
    }
    if (t.details.length > 0) {
      const text = t.details.map((l) => `  ${l}`).join('\n') + '\n';
      out.write(maskSecrets(text, this.secrets));
    }
  }
}

/**
 * listr2's default renderer, accepted whatever process.stdout is: the caller already decided that
 * `out` is a terminal (listr2 would otherwise fall back to its line renderer on process.stdout).
 */
class TerminalRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/** listr2 colors its icons from its own terminal detection; --no-color must win. */
function uncolored(): Partial<Record<ListrDefaultRendererLogLevels, (s?: string) => string>> {
  const id = (s?: string): string => s ?? '';
  return Object.fromEntries(Object.values(ListrDefaultRendererLogLevels).map((l) => [l, id]));
}
