import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where user code called into the DSL: errors then say `roles/etcd/index.ts:14` instead of
// pointing into the engine. The prebuilt engine lives under node_modules/.cache, so its frames
// drop out with the dependencies'; user bundles' frames arrive source-mapped to their .ts files.
export function callerLocation(): { file: string; line: number } | undefined {
  // The call sites themselves, mapped one by one until the first user frame: formatting the
  // whole stack maps every frame through its source map (~0.4 ms per call, once per task)
  for (const site of callSites()) {
    const loc = mapped(site);
    if (loc && !loc.file.includes('/lib/dsl/') && !loc.file.includes('node_modules')) return loc;
  }
  return undefined;
}

/** The stack above callerLocation as V8's call sites rather than text. */
function callSites(): NodeJS.CallSite[] {
  const saved = Error.prepareStackTrace;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.captureStackTrace(holder, callerLocation);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = saved;
  }
}

/** A call site's file and line in the source its code was built from (source maps). */
function mapped(site: NodeJS.CallSite): { file: string; line: number } | undefined {
  const name = site.getFileName() ?? undefined;
  const line = site.getLineNumber();
  if (!name || line === null) return undefined;
  const entry = findSourceMap(name)?.findEntry(line - 1, (site.getColumnNumber() ?? 1) - 1) as { originalSource?: string; originalLine?: number } | undefined;
  const file = entry?.originalSource ?? name;
  const at = entry?.originalSource !== undefined && entry.originalLine !== undefined ? entry.originalLine + 1 : line;
  if (!file.startsWith('/') && !file.startsWith('file://')) return undefined; // node:internal and the like
  return { file: file.startsWith('file://') ? fileURLToPath(file) : file, line: at };
}

export function formatLocation(loc: { file: string; line: number } | undefined): string | undefined {
  if (!loc) return undefined;
  return `${relative(process.cwd(), loc.file) || loc.file}:${loc.line}`;
}
