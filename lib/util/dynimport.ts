import { bundledEngine } from './engine.js';

// import() for the prebuilt engine. It runs as a vm.Script (bin/codecache.js), where Node 20 has
// no import() without --experimental-vm-modules, so bin/tsplay.js lends its own; under tsx this
// is the plain import().
export function dynamicImport<T = Record<string, unknown>>(spec: string): Promise<T> {
  const engine = bundledEngine();
  return (engine ? engine.import(spec) : import(spec)) as Promise<T>;
}
