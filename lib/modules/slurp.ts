import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { probe } from './common/probe.js';

// slurp: read a whole remote file into the result, base64 encoded (binary-safe), one exec.

export interface SlurpArgs {
  src: string;
}

export interface SlurpResult extends ModuleResult {
  content: string;
  encoding: 'base64';
  source: string;
}

export const slurpSchema = {
  type: 'object',
  properties: { src: { type: 'string', minLength: 1 } },
  required: ['src'],
  additionalProperties: false,
} as const;

async function run(args: SlurpArgs, ctx: ModuleContext): Promise<SlurpResult> {
  const [st] = await probe(ctx, [{ path: args.src, follow: true, content: true }]);
  if (!st.exists) throw new ModuleFailure(`slurp: file not found: ${args.src}`);
  if (st.type !== 'file') throw new ModuleFailure(`slurp: ${args.src} is not a regular file (it is a ${st.type})`);
  return { changed: false, content: (st.content ?? Buffer.alloc(0)).toString('base64'), encoding: 'base64', source: args.src };
}

export const slurp = defineModule<SlurpArgs, SlurpResult>({ name: 'slurp', schema: slurpSchema, run, secretResultKeys: ['content'] });
