import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import type { FileDiff, ModuleDef, ModuleResult } from '../../lib/modules/types.js';
import { unifiedDiff } from '../../lib/util/diff.js';
import { makeContext, runModule } from '../helpers/module-context.js';

// Table-driven module tests: each case names its starting files, args, and what a user would
// see afterwards (result, files on disk, diff text). Cases run against real files in a temp
// dir through a real LocalConnection; the second run of an applied case must report no change.

export type Given = string | Buffer | { content: string; mode?: string } | { link: string } | { dir: true; mode?: string };
export type Expected = string | Buffer | { content?: string | Buffer; mode?: string; absent?: true; link?: string; dir?: true; contentMatches?: RegExp };

export interface Case<A> {
  name: string;
  /** args for the module; `d` is the case's temp dir (the "host" side) */
  args: (d: string) => A;
  /** files under the temp dir before the run (path relative to it) */
  given?: Record<string, Given>;
  /** files on the controller side (role files/ and templates/) */
  controller?: { files?: Record<string, string>; templates?: Record<string, string> };
  vars?: Record<string, unknown>;
  check?: boolean;
  diff?: boolean;
  expect: {
    changed?: boolean;
    failed?: boolean;
    /** the run throws with a message matching this */
    error?: RegExp;
    /** a subset of the result (deep) */
    result?: Record<string, unknown>;
    /** result checks that need the temp dir */
    resultFn?: (r: Record<string, unknown>, d: string) => void;
    /** files after the run */
    state?: Record<string, Expected>;
    /** substrings of the rendered diff */
    diffContains?: string[];
    /** run a second time and expect changed=false (default: when the first run applied a change) */
    idempotent?: boolean;
  };
}

function writeGiven(root: string, given: Record<string, Given>): void {
  for (const [rel, g] of Object.entries(given)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof g === 'string' || Buffer.isBuffer(g)) writeFileSync(p, g);
    else if ('link' in g) symlinkSync(g.link, p);
    else if ('dir' in g) {
      mkdirSync(p, { recursive: true });
      if (g.mode) chmodSync(p, parseInt(g.mode, 8));
    } else {
      writeFileSync(p, g.content);
      if (g.mode) chmodSync(p, parseInt(g.mode, 8));
    }
  }
}

function checkState(root: string, state: Record<string, Expected>): void {
  for (const [rel, e] of Object.entries(state)) {
    const p = join(root, rel);
    const want = typeof e === 'string' || Buffer.isBuffer(e) ? { content: e } : e;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      st = undefined;
    }
    if (want.absent) {
      expect(st, `${rel} should be absent`).to.equal(undefined);
      continue;
    }
    expect(st, `${rel} should exist`).to.not.equal(undefined);
    if (want.link !== undefined) {
      expect(st!.isSymbolicLink(), `${rel} should be a symlink`).to.equal(true);
      expect(readlinkSync(p), `${rel} link target`).to.equal(want.link);
    }
    if (want.dir) expect(statSync(p).isDirectory(), `${rel} should be a directory`).to.equal(true);
    if (Buffer.isBuffer(want.content)) expect(readFileSync(p).toString('hex'), `${rel} bytes (hex)`).to.equal(want.content.toString('hex'));
    else if (want.content !== undefined) expect(readFileSync(p, 'utf8'), `${rel} content`).to.equal(want.content);
    if (want.contentMatches) expect(readFileSync(p, 'utf8'), `${rel} content`).to.match(want.contentMatches);
    if (want.mode !== undefined) expect((statSync(p).mode & 0o7777).toString(8).padStart(4, '0'), `${rel} mode`).to.equal(want.mode);
  }
}

/** Every leftover temp file of an atomic write, anywhere under root. */
export function tempLeftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.tsplay.')) out.push(join(d, e.name));
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(root);
  return out;
}

export function renderDiff(diff: FileDiff[] | undefined): string {
  return (diff ?? [])
    .map((d) =>
      d.before !== undefined || d.after !== undefined
        ? unifiedDiff(d.before ?? '', d.after ?? '', { path: d.path })
        : Object.entries(d.attrs ?? {})
            .map(([k, v]) => `${d.path}: ${k} ${String(v.before)} -> ${String(v.after)}\n`)
            .join(''),
    )
    .join('');
}

/** Snapshot of every file's content/mode, to prove check mode changed nothing. */
function snapshot(root: string): string {
  const rows: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const st = lstatSync(p);
      const body = e.isSymbolicLink() ? `-> ${readlinkSync(p)}` : e.isFile() ? readFileSync(p, 'utf8') : '';
      rows.push(`${p} ${st.mode.toString(8)} ${body}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return rows.join('\n');
}

export function runCases<A, R extends ModuleResult>(def: ModuleDef<A, R>, cases: Case<A>[], opts: { rerun?: boolean } = {}): void {
  for (const c of cases) {
    it(c.name, async () => {
      const root = mkdtempSync(join(tmpdir(), `tsplay-${def.name}-`));
      const host = join(root, 'host');
      const ctl = join(root, 'controller');
      try {
        mkdirSync(host);
        writeGiven(host, c.given ?? {});
        writeGiven(join(ctl, 'files'), c.controller?.files ?? {});
        writeGiven(join(ctl, 'templates'), c.controller?.templates ?? {});
        const mk = () =>
          makeContext({ check: c.check, diff: c.diff, vars: c.vars, filesDir: join(ctl, 'files'), templatesDir: join(ctl, 'templates') });
        const before = snapshot(host);
        const run = (): Promise<R> => runModule(def, c.args(host), mk());
        if (c.expect.error) {
          let err: unknown;
          await run().catch((e: unknown) => (err = e));
          expect(err, 'the run should fail').to.be.instanceOf(Error);
          expect((err as Error).message).to.match(c.expect.error);
        } else {
          const res = await run();
          const r = res as unknown as Record<string, unknown>;
          if (c.expect.changed !== undefined) expect(res.changed, 'changed').to.equal(c.expect.changed);
          expect(res.failed === true, 'failed').to.equal(c.expect.failed === true);
          if (c.expect.result) expect(r).to.deep.include(c.expect.result);
          c.expect.resultFn?.(r, host);
          if (c.expect.diffContains) {
            const text = renderDiff(res.diff);
            for (const s of c.expect.diffContains) expect(text, 'diff').to.include(s);
          }
          if (c.check) expect(snapshot(host), 'check mode must not touch the host').to.equal(before);
          const again = c.expect.idempotent ?? (opts.rerun !== false && !c.check && res.changed && !c.expect.failed);
          if (again) {
            const second = await run();
            expect(second.changed, 'second run changed').to.equal(false);
          }
        }
        if (c.expect.state) checkState(host, c.expect.state);
        expect(tempLeftovers(host), 'temp files left behind').to.deep.equal([]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
}
