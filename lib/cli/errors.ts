import { UserError } from '../util/errors.js';

// Which errors are the user's (a message is enough) and which are ours (then a stack helps, but
// only when asked for with TSPLAY_DEBUG=1).
export function explain(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e instanceof UserError) return e.message;
  if (process.env.TSPLAY_DEBUG) return e.stack ?? e.message;
  return `${e.message} (internal error; run again with TSPLAY_DEBUG=1 for details and report it)`;
}
