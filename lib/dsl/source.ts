import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { bundledEngine } from '../util/engine.js';

// Where user code called into the DSL: errors then say `roles/etcd/index.ts:14` instead of
// pointing into the engine.
export function callerLocation(depth = 2): { file: string; line: number } | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  // the prebuilt engine's own frames are in its build dir (user bundles there map back to .ts)
  const engine = bundledEngine()?.dir;
  const inEngine = (file: string): boolean => (engine !== undefined && file.startsWith(`${engine}/`) && !file.startsWith(`${engine}/user/`)) || file.includes('/lib/dsl/');
  const frames = stack
    .map((l) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1], line: Number(m[2]) }))
    .filter((f) => !inEngine(f.file) && !f.file.includes('node_modules'));
  return frames[depth - 2] ?? frames[0];
}

export function formatLocation(loc: { file: string; line: number } | undefined): string | undefined {
  if (!loc) return undefined;
  return `${relative(process.cwd(), loc.file) || loc.file}:${loc.line}`;
}
