// --json: one line per event, the RunEvent itself plus `ts`. Nothing is added beyond that, and
// strings are masked again when secrets are known.

import type { Reporter, RunEvent } from './events.js';
import { maskDeep } from './mask.js';
import { LineWriter } from './writer.js';
import { jsonStringify } from '../util/json.js';

export class JsonReporter implements Reporter {
  private readonly w: LineWriter;

  constructor(
    out: NodeJS.WritableStream,
    private readonly secrets: readonly string[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.w = new LineWriter(out);
  }

  emit(ev: RunEvent): void {
    this.w.lines([jsonStringify({ ts: this.now().toISOString(), ...maskDeep(ev, this.secrets) })]);
  }

  close(): Promise<void> {
    return this.w.flush();
  }
}
