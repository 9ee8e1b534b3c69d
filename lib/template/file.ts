import { renderTemplateFile } from './env.js';
import type { Vars } from './types.js';

/** Renders a template file; include/import names resolve against the including file's folder. */
export function renderFile(path: string, vars: Vars, opts: { host?: string } = {}): string {
  return renderTemplateFile(path, vars, opts.host);
}
