import { bundledEngine } from '../util/engine.js';
import { UserError } from '../util/errors.js';

// Which errors are the user's (a message is enough) and which are ours (then a stack helps, but
// only when asked for with TSPLAY_DEBUG=1).
export function explain(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e instanceof UserError) return e.message;
  if (process.env.TSPLAY_DEBUG) return e.stack ?? e.message;
  // the prebuilt engine is minified: its stack names no lib/ file or function
  const rerun = bundledEngine() ? 'TSPLAY_DEBUG=1 TSPLAY_NO_BUNDLE=1' : 'TSPLAY_DEBUG=1';
  return `${e.message} (internal error; run again with ${rerun} for details and report it)`;
}
