// Errors a user can act on: where (file:line), what was read, and what to do. Never a stack trace.

import { UserError } from '../util/errors.js';

export interface InventoryErrorInfo {
  file?: string;
  line?: number;
  text?: string;
}

export class InventoryError extends UserError {
  file?: string;
  line?: number;
  text?: string;
  constructor(message: string, info: InventoryErrorInfo = {}) {
    super(message);
    this.name = 'InventoryError';
    this.file = info.file;
    this.line = info.line;
    this.text = info.text;
  }
}

/** A host pattern (play `hosts:` or `--limit`) that cannot be evaluated. */
export class PatternError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

/**
 * Build the standard message: "file:line: what (text: 'x'); fix".
 * `file` may be undefined for inventories built in memory (TS inventories, host lists).
 */
export function invError(where: { file?: string; line?: number }, what: string, text: string | undefined, fix: string): InventoryError {
  const loc = where.file ? (where.line ? `${where.file}:${where.line}: ` : `${where.file}: `) : '';
  const shown = text === undefined ? '' : ` (text: '${text}')`;
  return new InventoryError(`${loc}${what}${shown}; ${fix}`, { file: where.file, line: where.line, text });
}

/**
 * A problem found below the line level (range expansion, literal parsing, the inventory model's
 * rules); the caller adds file:line with atLine().
 */
export class LineProblem extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'LineProblem';
  }
}

/** Runs `fn`; a LineProblem it raises becomes an InventoryError at `where`, quoting `text`. */
export function atLine<T>(where: { file?: string; line?: number }, text: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LineProblem) throw invError(where, e.message, text, e.fix);
    throw e;
  }
}
