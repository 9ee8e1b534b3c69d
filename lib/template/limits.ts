// Bounds on what one render may produce. Variables may refer to variables, so a few lines of
// inventory (a: "{{ b }}{{ b }}", b: "{{ c }}{{ c }}", ...) can ask for 2^40 characters; the
// run fails naming the variable instead of exhausting the heap.
import { TemplateError } from './errors.js';

/** The most characters one rendered value may have: 64 Mi (64 MiB of ASCII). */
export const MAX_RENDERED_CHARS = 64 * 1024 * 1024;

/**
 * How deep variables may refer to variables (a -> b -> c ...): each level is a nested render,
 * and ~400 of them overflow the stack.
 */
export const MAX_VAR_DEPTH = 100;

/** `value` as is, or a TemplateError naming `name` when it is a string over the limit. */
export function checkRenderedSize<T>(value: T, name: string, host: string | undefined): T {
  if (typeof value === 'string' && value.length > MAX_RENDERED_CHARS) {
    throw new TemplateError(
      `the rendered value is ${value.length} characters, more than the ${MAX_RENDERED_CHARS} (64 MiB) a value may have; check the variables for one that repeats another`,
      name,
      undefined,
      host,
    );
  }
  return value;
}
