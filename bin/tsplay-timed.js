#!/usr/bin/env node
// @ts-check
// No V8 flags on the shebang line: any flag makes Node reject the code cache of its own built-in
// modules, which cost ~40 ms per start (the 500-host run stays at ~0.3 MB per host without them).
// Entry point: the prebuilt engine (bin/engine.js) when it can be had, else lib/ through tsx.
import { fileURLToPath } from 'node:url';
import { engineDir, loadEngine, PUBLIC } from './engine.js';

const T0 = performance.now(); const dir = await engineDir(); const T1 = performance.now();
/** @type {{ main(argv: string[]): Promise<number> }} */
let cli;
if (dir) {
  // lib/util/engine.ts reads this: user playbooks are then bundled against this same engine, and
  // the bundle, a vm.Script without import() of its own, imports through ours
  const engine = { dir, lib: fileURLToPath(new URL('../lib', import.meta.url)), public: PUBLIC, import: (/** @type {string} */ spec) => import(spec) };
  Object.assign(globalThis, { [Symbol.for('tsplay.engine')]: engine });
  const L = loadEngine(dir); const T2 = performance.now(); cli = /** @type {typeof cli} */ (/** @type {unknown} */ (L('cli/main.ts'))); process.stderr.write(`boot ${T0.toFixed(1)} key ${(T1-T0).toFixed(1)} load ${(T2-T1).toFixed(1)} main ${(performance.now()-T2).toFixed(1)}\n`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // tsx maps .js to the .ts source, as everywhere in lib/
  cli = await import('../lib/cli/main.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
