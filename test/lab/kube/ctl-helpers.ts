// Shared by the controller-manager and scheduler doubles' tests: a double's main(argv, version)
// in its own node process, and polling until something holds.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Proc {
  p: ChildProcess;
  log: () => string;
  exited: Promise<number>;
}

/** The double's main(argv, version) in its own node process, as the kubelet double runs the image bundle. */
export function spawnDouble(prog: 'controller-manager' | 'scheduler', version: string, args: string[]): Proc {
  const entry = path.join(ROOT, 'lib/lab/kube', prog, 'main.ts');
  const code = `const m = await import(${JSON.stringify(entry)}); process.exit(await m.main(${JSON.stringify(args)}, ${JSON.stringify(version)}));`;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number>((r) => p.on('exit', (c, sig) => r(c ?? (sig ? 128 : -1))));
  return { p, log: () => out, exited };
}

/** f() until it gives something (not undefined, null or false), or a timeout naming `what`. */
export async function until<T>(what: string, ms: number, f: () => Promise<T | undefined | null | false> | T | undefined | null | false, detail: () => string = () => ''): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
