// Writes whole lines to the output stream, masking known secrets, and waits for them on flush.

import { maskSecrets } from './mask.js';

export class LineWriter {
  private wrote = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** Whether anything has been written yet (banners skip their leading blank line at the top). */
  get started(): boolean {
    return this.wrote;
  }

  lines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.wrote = true;
    this.out.write(maskSecrets(lines.join('\n') + '\n', this.secrets));
  }

  /** Resolves once everything written so far has been handed to the underlying resource. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      // an empty write's callback runs after the writes queued before it
      this.out.write('', () => resolve());
    });
  }
}
