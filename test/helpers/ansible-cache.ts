import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// Replays ansible-playbook runs during mutation testing (bench/mutation.ts sets
// TSPLAY_ANSIBLE_CACHE). What ansible-playbook does depends only on its arguments and the files
// it is given, never on tsplay's code, so a run whose inputs were seen before gives back the
// recorded exit code, output and file changes instead of starting Python again for every mutant.
// Unset (npm test, CI), every run is real.

const DIR = '@ANSIBLE_DIR@';

/** What one ansible-playbook run gave. */
export interface Recorded {
  code: number;
  stdout: string;
  stderr: string;
}

interface Entry extends Recorded {
  written: Record<string, string>;
  deleted: string[];
}

const mask = (s: string, dir: string): string => s.split(dir).join(DIR);
const unmask = (s: string, dir: string): string => s.split(DIR).join(dir);

/** The files under `dir` (the run's own temp dir left out), paths relative, `dir` itself masked. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'ansible-tmp') walk(p);
      } else if (e.isFile()) {
        out[relative(dir, p)] = mask(readFileSync(p, 'utf8'), dir);
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * The cache's answer for these inputs: the replayed run, or a `save` for the real run's result
 * (nothing to do when the cache is off).
 */
function lookup(dir: string, args: string[], env: string): { replayed?: Recorded; save: (r: Recorded) => void } {
  const cache = process.env.TSPLAY_ANSIBLE_CACHE;
  if (!cache) return { save: () => undefined };
  const before = snapshot(dir);
  const key = createHash('sha256')
    .update(JSON.stringify({ args: args.map((a) => mask(a, dir)), env, files: Object.entries(before).sort() }))
    .digest('hex');
  const file = join(cache, `${key}.json`);
  if (existsSync(file)) return { replayed: replay(file, dir), save: () => undefined };
  return { save: (r) => record(file, dir, before, r) };
}

function replay(file: string, dir: string): Recorded {
  const e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  for (const [rel, text] of Object.entries(e.written)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), unmask(text, dir));
  }
  for (const rel of e.deleted) rmSync(join(dir, rel), { force: true });
  return { code: e.code, stdout: unmask(e.stdout, dir), stderr: unmask(e.stderr, dir) };
}

function record(file: string, dir: string, before: Record<string, string>, r: Recorded): void {
  const after = snapshot(dir);
  const written = Object.fromEntries(Object.entries(after).filter(([rel, text]) => before[rel] !== text));
  const deleted = Object.keys(before).filter((rel) => !(rel in after));
  const entry: Entry = { code: r.code, stdout: mask(r.stdout, dir), stderr: mask(r.stderr, dir), written, deleted };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(entry));
}

/** `run()` (a real ansible-playbook in `dir`), or its replay when the cache holds these inputs. */
export function cachedRunSync(dir: string, args: string[], env: string, run: () => Recorded): Recorded {
  const { replayed, save } = lookup(dir, args, env);
  if (replayed) return replayed;
  const r = run();
  save(r);
  return r;
}

/** The same for a run that does not block the event loop. */
export async function cachedRun(dir: string, args: string[], env: string, run: () => Promise<Recorded>): Promise<Recorded> {
  const { replayed, save } = lookup(dir, args, env);
  if (replayed) return replayed;
  const r = await run();
  save(r);
  return r;
}
