#!/usr/bin/env -S node --max-semi-space-size=2
// @ts-check
// A small young generation: a controller's garbage is short-lived, and at 500 hosts the default
// lets the resident set grow by hundreds of MB before a scavenge (BENCHMARKS.md).
// Entry point: the prebuilt engine (bin/engine.js) when it can be had, else lib/ through tsx.
import { fileURLToPath } from 'node:url';
import { engineDir, PUBLIC } from './engine.js';

const dir = await engineDir();
/** @type {{ main(argv: string[]): Promise<number> }} */
let cli;
if (dir) {
  // lib/util/engine.ts reads this: user playbooks are then bundled against this same engine
  const engine = { dir, lib: fileURLToPath(new URL('../lib', import.meta.url)), public: PUBLIC };
  Object.assign(globalThis, { [Symbol.for('tsplay.engine')]: engine });
  cli = await import(`${dir}/cli/main.js`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // tsx maps .js to the .ts source, as everywhere in lib/
  cli = await import('../lib/cli/main.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
