import { readFileSync, writeFileSync } from 'node:fs';
import { buildTimeline, renderTimeline, type StampedEvent } from '../report/timeline.js';
import { CliError, parse } from './args.js';

// `tsplay report RUN.jsonl [-o RUN.html]`: the page of a run's --json events (lib/report/timeline.ts).

const OPTIONS = { output: { type: 'string', short: 'o' } } as const;

/** The events of a --json file; a line that is not one is an error with file:line. */
export function readEvents(file: string, text: string): StampedEvent[] {
  const events: StampedEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch (e) {
      throw new CliError(`${file}:${i + 1}: not a JSON event (${(e as Error).message}); give the output of tsplay run ... --json`);
    }
    const o = ev as { type?: unknown; ts?: unknown };
    if (typeof o !== 'object' || o === null || typeof o.type !== 'string' || typeof o.ts !== 'string' || Number.isNaN(Date.parse(o.ts))) {
      throw new CliError(`${file}:${i + 1}: not a tsplay --json event (each line has "type" and "ts")`);
    }
    events.push(ev as StampedEvent);
  });
  if (!events.some((e) => e.type === 'host_result')) throw new CliError(`${file}: no host results in it; give the output of tsplay run ... --json`);
  return events;
}

export async function cmdReport(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (positionals.length !== 1) throw new CliError('usage: tsplay report RUN.jsonl [-o RUN.html]');
  const file = positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const html = renderTimeline(buildTimeline(readEvents(file, text)));
  const out = o.output ?? file.replace(/(\.jsonl|\.json)?$/, '.html');
  if (out === '-') process.stdout.write(html);
  else {
    writeFileSync(out, html);
    process.stdout.write(`wrote ${out}\n`);
  }
  return 0;
}
