// Where in the user's own code an error was thrown: the first stack frame outside tsplay's lib/,
// node_modules (the prebuilt engine lives there) and Node's internals, as path:line:col relative
// to the working directory. Playbooks, roles and TS inventories are loaded with source maps on,
// so the frame names the .ts file and line the user wrote.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIB = fileURLToPath(new URL('..', import.meta.url));

export function userFrame(e: unknown): string | undefined {
  const stack = e instanceof Error ? e.stack : undefined;
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const path = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (path.startsWith(LIB) || path.includes('/node_modules/')) continue;
    const rel = relative(process.cwd(), path);
    return `${rel.startsWith('..') ? path : rel}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
