// One error type for everything that goes wrong while templating. Its message is always
// "<file>:<line>: host <host>: <reason>" — never a nunjucks stack trace — so a user can go
// straight to the line that failed.

import { UserError } from '../util/errors.js';
export class TemplateError extends UserError {
  file: string;
  line?: number;
  host?: string;
  /** the bare reason, without file/line/host */
  reason: string;

  constructor(reason: string, file: string, line?: number, host?: string) {
    super(formatMessage(reason, file, line, host));
    this.name = 'TemplateError';
    this.reason = reason;
    this.file = file;
    this.line = line;
    this.host = host;
    // nunjucks passes an error through untouched when it has a truthy `lineno` and an
    // `Update` method; without these it would wrap ours and prefix its own location text.
    Object.defineProperty(this, 'lineno', { value: line ?? 1, enumerable: false });
    Object.defineProperty(this, 'Update', { value: () => this, enumerable: false });
  }

  /** The same error, naming the host (added once, at the outermost render). */
  withHost(host: string | undefined): TemplateError {
    if (!host || this.host) return this;
    const e = new TemplateError(this.reason, this.file, this.line, host);
    return e;
  }
}

function formatMessage(reason: string, file: string, line?: number, host?: string): string {
  const where = line !== undefined ? `${file}:${line}` : file;
  return `${where}: ${host ? `host ${host}: ` : ''}${reason}`;
}

/**
 * Thrown by filters, tests and operators with just a reason; the call site that knows the
 * file and line turns it into a TemplateError.
 */
export class TemplateFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateFault";
  }
}

export function errorReason(e: unknown): string {
  if (e instanceof TemplateError) return e.reason;
  if (e instanceof Error) return e.message;
  return String(e);
}
