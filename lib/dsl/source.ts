import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

// Where user code called into the DSL: errors then say `roles/etcd/index.ts:14` instead of
// pointing into the engine. The prebuilt engine lives under node_modules/.cache, so its frames
// drop out with the dependencies'; user bundles' frames arrive source-mapped to their .ts files.
export function callerLocation(): { file: string; line: number } | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const frames = stack
    .map((l) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1], line: Number(m[2]) }))
    .filter((f) => !f.file.includes('/lib/dsl/') && !f.file.includes('node_modules'));
  return frames[0];
}

export function formatLocation(loc: { file: string; line: number } | undefined): string | undefined {
  if (!loc) return undefined;
  return `${relative(process.cwd(), loc.file) || loc.file}:${loc.line}`;
}
