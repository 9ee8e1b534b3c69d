// The run output: pick a rendering of the event stream for where it goes.

import type { Reporter } from './events.js';
import { JsonReporter } from './json.js';
import { PlainReporter } from './plain.js';
import { defaultColor, isTTY } from './style.js';
import { TtyReporter } from './tty.js';
import { ProfilingReporter } from './profile.js';

export type { HostStats, HostStatus, Reporter, RunEvent } from './events.js';
export { formatDiff } from './diff-format.js';
export { maskSecrets } from './mask.js';
export { formatRecap } from './recap.js';
export { JsonReporter, PlainReporter, TtyReporter };

export interface ReporterOptions {
  /** auto: tty when `out` is a terminal, plain otherwise */
  mode: 'auto' | 'tty' | 'plain' | 'json';
  /** default process.stdout */
  out?: NodeJS.WritableStream;
  /** print file diffs under changed hosts (--diff) */
  diff: boolean;
  /** -v count: 1 prints module results */
  verbosity: number;
  /** default: out is a terminal and NO_COLOR is not set */
  color?: boolean;
  /** values masked as ******** wherever they would appear (become/vault passwords) */
  secrets?: readonly string[];
  /** add the task timing profile after the recap (tsplay run) */
  profile?: boolean;
}

export function createReporter(opts: ReporterOptions): Reporter {
  const r = pickReporter(opts);
  return opts.profile ? new ProfilingReporter(r) : r;
}

function pickReporter(opts: ReporterOptions): Reporter {
  const out = opts.out ?? process.stdout;
  const color = opts.color ?? defaultColor(out);
  const secrets = opts.secrets ?? [];
  const mode = opts.mode === 'auto' ? (isTTY(out) ? 'tty' : 'plain') : opts.mode;
  switch (mode) {
    case 'json':
      return new JsonReporter(out, secrets);
    case 'tty':
      return new TtyReporter({
        out,
        // listr2 holds back stray stderr writes while it draws; only the real stdout pairs with stderr
        err: out === process.stdout ? process.stderr : out,
        diff: opts.diff,
        verbosity: opts.verbosity,
        color,
        secrets,
      });
    case 'plain':
      return new PlainReporter({ out, diff: opts.diff, verbosity: opts.verbosity, color, secrets });
  }
}
