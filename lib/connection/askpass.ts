import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A sudo askpass helper that prints the password from its environment; written once per process
// in a private directory and removed on exit.
let path: string | undefined;

export function askpassHelper(): string {
  if (path) return path;
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-askpass-'));
  chmodSync(dir, 0o700);
  path = join(dir, 'askpass');
  writeFileSync(path, '#!/bin/sh\nprintf \'%s\\n\' "$TSPLAY_BECOME_PASSWORD"\n', { mode: 0o700 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return path;
}
