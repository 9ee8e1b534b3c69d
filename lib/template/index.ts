// tsplay's template engine: Jinja templates (nunjucks, made strict and Python-like) with
// Ansible's filters and tests. Undefined variables are errors naming file, line and host.

export type { Vars, RenderOptions } from './types.js';
export { TemplateError } from './errors.js';
export { renderString, evalExpression, evalCondition, isTemplated, templateValue } from './native.js';
export { Deferred, lazyVars } from './lazy.js';
export { renderFile } from './file.js';
export { templateFileVars, overlayVars } from './template-vars.js';
export { OMIT_TOKEN, removeOmit } from './omit.js';
