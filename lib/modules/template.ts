import { readFileSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { fileAttrSchema } from './common/attrs.js';
import type { ContentArgs, FileContentResult } from './common/content.js';
import { contentArgSchema, manageContent } from './common/content.js';
import { probe } from './common/probe.js';
import { templateFileVars } from '../template/template-vars.js';

// template: render a nunjucks file from the role's templates/ with the host's vars, then manage
// it like copy. Render errors (undefined variables, syntax) propagate with the template's name.

export interface TemplateArgs extends ContentArgs {
  /** template file: absolute, or looked up in the role's templates/ then the playbook dir */
  src: string;
  dest: string;
  /** false: only create dest when it is absent (default true) */
  force?: boolean;
}

export type TemplateResult = FileContentResult & { src: string };

export const templateSchema = {
  type: 'object',
  properties: {
    src: { type: 'string', minLength: 1 },
    dest: { type: 'string', minLength: 1 },
    force: { type: 'boolean' },
    ...contentArgSchema,
    ...fileAttrSchema,
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

function locate(ctx: ModuleContext, src: string): string {
  try {
    return isAbsolute(src) ? src : ctx.findFile('templates', src);
  } catch (e) {
    throw new ModuleFailure(`template: '${src}' not found (${(e as Error).message}); put it in the role's templates/ or give an absolute path`);
  }
}

async function run(args: TemplateArgs, ctx: ModuleContext): Promise<TemplateResult> {
  const path = locate(ctx, args.src);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ModuleFailure(`template: cannot read '${path}' on the controller; check the src path`);
  }
  // Ansible's template action adds ansible_managed and template_* (lib/template/template-vars.ts)
  const content = Buffer.from(ctx.render(text, path, templateFileVars(args.src, path, args.dest)), 'utf8');
  const destBase = args.dest.replace(/\/+$/, '') || '/';
  const specs = [destBase, `${destBase.replace(/\/$/, '')}/${basename(path).replace(/\.(j2|njk)$/, '')}`].map((p) => ({
    path: p,
    follow: true,
    checksum: true,
    content: ctx.diff,
  }));
  const states = await probe(ctx, specs);
  const intoDir = args.dest.endsWith('/') || states[0].type === 'directory';
  const state = intoDir ? states[1] : states[0];
  if (args.force === false && state.exists) {
    return { changed: false, src: path, dest: state.path, checksum: state.checksum ?? '', size: state.size ?? 0, msg: 'dest exists and force is false' };
  }
  const res = await manageContent(ctx, { dest: state.path, state, content, args });
  return { src: path, ...res };
}

export const template = defineModule<TemplateArgs, TemplateResult>({ name: 'template', schema: templateSchema, run });
