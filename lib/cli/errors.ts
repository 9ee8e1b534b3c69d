// Which errors are the user's (a message is enough) and which are ours (then a stack helps, but
// only when asked for with TSPLAY_DEBUG=1).
const USER_ERRORS = new Set([
  'CliError',
  'InventoryError',
  'PatternError',
  'TemplateError',
  'ExtraVarsError',
  'PlaybookError',
  'UsageError',
  'SerialError',
  'LabError',
]);

export function explain(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const kind = e.constructor?.name ?? e.name;
  if (USER_ERRORS.has(kind) || USER_ERRORS.has(e.name)) return e.message;
  if (process.env.TSPLAY_DEBUG) return e.stack ?? e.message;
  return `${e.message} (internal error; run again with TSPLAY_DEBUG=1 for details and report it)`;
}
