// Errors a user can act on: where (file:line), what was read, and what to do. Never a stack trace.

export interface InventoryErrorInfo {
  file?: string;
  line?: number;
  text?: string;
}

export class InventoryError extends Error {
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
export class PatternError extends Error {
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

/** A problem found below the line level (range expansion, literal parsing); the caller adds file:line. */
export class LineProblem extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'LineProblem';
  }
}
