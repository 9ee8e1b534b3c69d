#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS TSPLAY_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// @ts-check
// The shebang line keeps NODE_EXTRA_CA_CERTS from Node's start (bin/extracerts.js puts it back).
// No V8 flags on it: any flag makes Node reject the code cache of its own built-in modules, which
// cost ~40 ms per start (the 500-host run stays at ~0.3 MB per host without them).
// Entry point: the prebuilt engine (bin/engine.js) when it can be had, else lib/ through tsx.
import { fileURLToPath } from 'node:url';
import { engineDir, loadEngine, PUBLIC } from './engine.js';
import { restoreExtraCaCerts } from './extracerts.js';

await restoreExtraCaCerts();
const dir = await engineDir();
/** @type {{ main(argv: string[]): Promise<number> }} */
let cli;
if (dir) {
  // lib/util/engine.ts reads this: user playbooks are then bundled against this same engine, and
  // the bundle, a vm.Script without import() of its own, imports through ours
  const engine = { dir, lib: fileURLToPath(new URL('../lib', import.meta.url)), public: PUBLIC, import: (/** @type {string} */ spec) => import(spec) };
  Object.assign(globalThis, { [Symbol.for('tsplay.engine')]: engine });
  cli = /** @type {typeof cli} */ (/** @type {unknown} */ (loadEngine(dir)('cli/main.ts')));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // tsx maps .js to the .ts source, as everywhere in lib/
  cli = await import('../lib/cli/main.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
