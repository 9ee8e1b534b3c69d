import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema } from './common/attrs.js';
import type { ContentArgs, FileContentResult } from './common/content.js';
import { contentArgSchema, manageContent } from './common/content.js';
import { probe } from './common/probe.js';

// copy: put bytes from the controller (a file or inline `content`) at `dest`.

export interface CopyArgs extends ContentArgs {
  dest: string;
  /** file on the controller: absolute, or looked up in the role's files/ then the playbook dir */
  src?: string;
  /** inline content instead of src */
  content?: string;
  /** false: only create dest when it is absent (default true) */
  force?: boolean;
  /** src is a file on the host, not the controller (copied there, never through the controller) */
  remote_src?: boolean;
}

export type CopyResult = FileContentResult & { src?: string };

export const copySchema = {
  type: 'object',
  properties: {
    dest: { type: 'string', minLength: 1 },
    src: { type: 'string', minLength: 1 },
    content: { type: 'string' },
    force: { type: 'boolean' },
    remote_src: { type: 'boolean' },
    ...contentArgSchema,
    ...fileAttrSchema,
  },
  required: ['dest'],
  additionalProperties: false,
} as const;

function readSource(ctx: ModuleContext, src: string): { path: string; data: Buffer } {
  let path: string;
  try {
    path = isAbsolute(src) ? src : ctx.findFile('files', src);
  } catch (e) {
    throw new ModuleFailure(`copy: source '${src}' not found (${(e as Error).message}); put it in the role's files/ or give an absolute path`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ModuleFailure(`copy: source '${path}' not found on the controller; check the src path`);
  }
  if (isDir) throw new ModuleFailure(`copy: source '${path}' is a directory; copying directories is not supported, copy each file`);
  return { path, data: readFileSync(path) };
}

async function run(args: CopyArgs, ctx: ModuleContext): Promise<CopyResult> {
  if ((args.src === undefined) === (args.content === undefined)) {
    throw new ModuleFailure(`copy to ${args.dest}: give exactly one of src or content`);
  }
  if (args.remote_src) return remoteCopy(args, ctx);
  const source = args.src !== undefined ? readSource(ctx, args.src) : undefined;
  const data = source ? source.data : Buffer.from(args.content ?? '', 'utf8');
  // dest may be a directory (existing, or named with a trailing /): the file goes inside it
  const candidates = [args.dest.replace(/\/+$/, '') || '/'];
  if (source) candidates.push(`${candidates[0].replace(/\/$/, '')}/${basename(source.path)}`);
  if (!source && args.dest.endsWith('/')) {
    throw new ModuleFailure(`copy: dest '${args.dest}' is a directory; with content, give a file path`);
  }
  const specs = candidates.map((path) => ({ path, follow: true, checksum: true, content: ctx.diff }));
  const states = await probe(ctx, specs);
  const intoDir = source !== undefined && (args.dest.endsWith('/') || states[0].type === 'directory');
  if (intoDir && args.dest.endsWith('/') && !states[0].exists) {
    throw new ModuleFailure(`copy: destination directory ${args.dest} does not exist; create it first (file state=directory)`);
  }
  const state = intoDir ? states[1] : states[0];
  const base = { src: source?.path };
  if (args.force === false && state.exists) {
    return { ...base, changed: false, dest: state.path, checksum: state.checksum ?? '', size: state.size ?? 0, msg: 'dest exists and force is false' };
  }
  const res = await manageContent(ctx, { dest: state.path, state, content: data, args });
  return { ...base, ...res };
}

/**
 * remote_src: source and destination are probed in one round trip, and a differing file is copied
 * on the host into the staged write beside dest (common/write.ts), committed only if the copy has
 * the sha1 the source had when probed.
 */
async function remoteCopy(args: CopyArgs, ctx: ModuleContext): Promise<CopyResult> {
  const src = args.src as string;
  if (!isAbsolute(src)) throw new ModuleFailure(`copy: with remote_src, src '${src}' must be an absolute path on the host`);
  const dest = args.dest.replace(/\/+$/, '') || '/';
  const inDir = `${dest.replace(/\/$/, '')}/${basename(src)}`;
  const [s, d0, d1] = await probe(ctx, [
    { path: src, follow: true, checksum: true, content: ctx.diff },
    { path: dest, follow: true, checksum: true, content: ctx.diff },
    { path: inDir, follow: true, checksum: true, content: ctx.diff },
  ]);
  if (!s.exists) throw new ModuleFailure(`copy: Source ${src} not found on ${ctx.host}; check the path (with remote_src, src is on the host)`);
  if (s.type === 'directory') throw new ModuleFailure(`copy: remote_src of a directory (${src}) is not supported; copy each file, or use unarchive or a command`);
  if (s.type !== 'file') throw new ModuleFailure(`copy: Source ${src} is not a regular file`);
  const intoDir = args.dest.endsWith('/') || d0.type === 'directory';
  if (intoDir && !d0.exists) throw new ModuleFailure(`copy: destination directory ${args.dest} does not exist; create it first (file state=directory)`);
  const state = intoDir ? d1 : d0;
  if (args.force === false && state.exists) {
    return { src, changed: false, dest: state.path, checksum: state.checksum ?? '', size: state.size ?? 0, msg: 'dest exists and force is false' };
  }
  const res = await manageContent(ctx, {
    dest: state.path,
    state,
    content: Buffer.alloc(0),
    args,
    fromHost: { path: src, sha1: s.checksum ?? '', size: s.size ?? 0, content: s.content },
  });
  return { src, ...res };
}

export const copy = defineModule<CopyArgs, CopyResult>({ name: 'copy', schema: copySchema, run });
