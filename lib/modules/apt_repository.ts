import { shq } from '../util/shell.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { manageContent } from './common/content.js';
import { parseProbe, probe, runProbe } from './common/probe.js';
import type { PathState } from './common/probe.js';
import { withReplan } from './common/replan.js';

// apt_repository: one-line apt sources (`deb [signed-by=/etc/apt/keyrings/k.gpg] URL SUITE ...`),
// with Ansible 2.14's model of /etc/apt/sources.list and sources.list.d/*.list: every line is
// parsed (enabled or commented out, source, trailing comment); `present` enables an identical
// source wherever it is (also a commented-out one) or appends it to the file named after the
// repository (or `filename`.list); `absent` removes every enabled identical source and deletes a
// file left empty. A changed file is written back as Ansible writes it (whitespace collapsed,
// comments as ' # '), atomically and only if it still holds what was read (common/replan.ts).
// No python3-apt is needed on the host; update_cache runs apt-get update after a change.

export interface AptRepositoryArgs {
  /** a sources.list line: `deb [options] URI SUITE [COMPONENT...]` (or deb-src) */
  repo: string;
  state?: 'present' | 'absent';
  /** mode of the file the source is added to (default '0644') */
  mode?: string;
  /** file name in /etc/apt/sources.list.d without .list (default: made from the URI, as Ansible) */
  filename?: string;
  /** apt-get update after a change (default true, as in Ansible) */
  update_cache?: boolean;
}

export interface AptRepositoryResult extends ModuleResult {
  repo: string;
  state: 'present' | 'absent';
  sources_added: string[];
  sources_removed: string[];
}

export const aptRepositorySchema = {
  type: 'object',
  properties: {
    repo: { type: 'string', minLength: 1, pattern: '^[^\\n]*$', description: 'one sources.list line' },
    state: { enum: ['present', 'absent'] },
    mode: { type: 'string', minLength: 1 },
    filename: { type: 'string', pattern: '^[A-Za-z0-9_.][A-Za-z0-9_.-]*$', description: "a file name such as kubernetes (letters, digits, _ . -, no '/', not starting with '-')" },
    update_cache: { type: 'boolean' },
  },
  required: ['repo'],
  additionalProperties: false,
} as const;

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCE_PARTS = '/etc/apt/sources.list.d';
const VALID_SOURCE_TYPES = new Set(['deb', 'deb-src', 'rpm', 'rpm-src']);

interface Entry {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

/** Ansible's SourcesList._parse. */
export function parseLine(raw: string): Entry {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const i = line.indexOf('#');
  if (i > 0) {
    comment = line.slice(i + 1).trim();
    line = line.slice(0, i);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (VALID_SOURCE_TYPES.has(chunks[0])) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

/** Ansible's SourcesList.dump of one file ('' when it has no lines: the file is removed). */
export function dumpEntries(entries: Entry[]): string {
  return entries.map((e) => `${e.enabled ? '' : '# '}${e.source}${e.comment ? ` # ${e.comment}` : ''}\n`).join('');
}

/** Ansible's _suggest_filename: the first URI part without options, scheme and credentials. */
export function suggestFilename(source: string, filename?: string): string {
  if (filename !== undefined) return `${filename}.list`;
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && !VALID_SOURCE_TYPES.has(p));
  const first = (parts[0] ?? '').includes('@') ? (parts[0] ?? '').split('@').slice(1).join('@') : (parts[0] ?? '');
  return `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter((s) => s !== '').join('_')}.list`;
}

const LIST_SCRIPT = [
  `for f in ${SOURCES_LIST} ${SOURCE_PARTS}/*.list; do`,
  `  [ -f "$f" ] || continue`,
  `  c=$(base64 -w0 < "$f") || exit 1`,
  `  printf 'L|%s|%s\\n' "$c" "$f"`,
  'done',
].join('\n');

async function run(args: AptRepositoryArgs, ctx: ModuleContext): Promise<AptRepositoryResult> {
  const state = args.state ?? 'present';
  const parsed = parseLine(args.repo);
  if (!parsed.valid || !parsed.enabled) {
    throw new ModuleFailure(`Invalid repository string: ${args.repo} (apt_repository wants a line such as 'deb [signed-by=/etc/apt/keyrings/k.gpg] https://example.org/deb/ stable main')`);
  }
  if (args.repo.trim().startsWith('ppa:')) throw new ModuleFailure('apt_repository: ppa: repositories are not supported; give the deb line');
  const target = `${SOURCE_PARTS}/${suggestFilename(parsed.source, args.filename)}`;
  const result = await withReplan(`apt_repository ${target}`, () => attempt(args, ctx, parsed.source, target, state), (m) => ctx.log(m));
  if (result.changed && !ctx.check && args.update_cache !== false) {
    const r = await ctx.conn.exec('DEBIAN_FRONTEND=noninteractive apt-get update -q', { become: ctx.become });
    if (r.rc !== 0) {
      const err = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ');
      throw new ModuleFailure(`Failed to update apt cache: ${err} (the source file was written; fix the repository or its key and run again)`, { ...result });
    }
  }
  return result;
}

async function attempt(args: AptRepositoryArgs, ctx: ModuleContext, source: string, target: string, state: 'present' | 'absent'): Promise<AptRepositoryResult> {
  // one round trip: the target file's state and every sources file's lines
  const spec = { path: target, checksum: true, content: true };
  const res = await runProbe(ctx, [spec], LIST_SCRIPT);
  if (res.rc !== 0) throw new ModuleFailure(`apt_repository: cannot read the apt sources on ${ctx.host}: ${res.stderr.trim() || `rc ${res.rc}`}`);
  const [targetState] = parseProbe(res.stdout, [spec]);
  const files = new Map<string, { raw: Buffer; entries: Entry[] }>();
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('L|')) continue;
    const sep = line.indexOf('|', 2);
    const raw = Buffer.from(line.slice(2, sep), 'base64');
    const text = raw.toString('utf8');
    const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    files.set(line.slice(sep + 1), { raw, entries: lines.map(parseLine) });
  }
  const before = new Map([...files].map(([f, v]) => [f, dumpEntries(v.entries)]));
  const after = new Map([...files].map(([f, v]) => [f, v.entries.map((e) => ({ ...e }))]));
  const added = new Set<string>();
  if (state === 'present') {
    let found = false;
    for (const entries of after.values()) {
      for (const e of entries) {
        if (e.valid && e.source === source) {
          e.enabled = true;
          found = true;
        }
      }
    }
    if (!found) {
      const list = after.get(target) ?? [];
      list.push({ valid: true, enabled: true, source, comment: '' });
      after.set(target, list);
      added.add(target);
    }
  } else {
    for (const [f, entries] of after) after.set(f, entries.filter((e) => !(e.valid && e.enabled && e.source === source)));
  }

  const changedFiles: string[] = [];
  const diff: FileDiff[] = [];
  for (const [f, entries] of after) {
    const b = before.get(f) ?? '';
    const a = dumpEntries(entries);
    if (a !== b || (!files.has(f) && entries.length > 0)) {
      changedFiles.push(f);
      diff.push({ path: f, before: b, after: a });
    }
  }
  const sourcesAdded = changedFiles.filter((f) => !files.has(f));
  const sourcesRemoved = changedFiles.filter((f) => files.has(f) && (after.get(f) ?? []).length === 0);
  const out: AptRepositoryResult = { changed: changedFiles.length > 0, repo: args.repo, state, sources_added: sourcesAdded, sources_removed: sourcesRemoved };
  if (ctx.diff && diff.length) out.diff = diff;
  if (!out.changed || ctx.check) return out;

  // the files other than the target were only listed: read their state now (rarely needed)
  const others = changedFiles.filter((f) => f !== target);
  const states = new Map<string, PathState>([[target, targetState]]);
  if (others.length) {
    const st = await probe(ctx, others.map((path) => ({ path, checksum: true, content: true })));
    others.forEach((f, i) => states.set(f, st[i]));
  }
  for (const f of changedFiles) {
    const st = states.get(f) as PathState;
    const entries = after.get(f) ?? [];
    if (entries.length === 0) {
      const r = await ctx.conn.exec(`rm -f -- ${shq(f)}`, { become: ctx.become });
      if (r.rc !== 0) throw new ModuleFailure(`apt_repository: cannot remove ${f}: ${r.stderr.trim()}`);
      continue;
    }
    // the mode applies to the file the source was added to, as in Ansible
    const mode = added.has(f) ? (args.mode ?? '0644') : undefined;
    await manageContent(ctx, { dest: f, state: st, content: Buffer.from(dumpEntries(entries), 'utf8'), args: { mode }, planned: true });
  }
  return out;
}

export const apt_repository = defineModule<AptRepositoryArgs, AptRepositoryResult>({ name: 'apt_repository', schema: aptRepositorySchema, run });
