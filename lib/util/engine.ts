// Whether this process runs the prebuilt engine (bin/engine.js) or lib/ itself through tsx.
// bin/tsplay.js sets the marker before it imports the engine.

export interface BundledEngine {
  /** the engine's build directory: engine.cjs (the bundle), the index.js and testing.js facades, user/ */
  dir: string;
  /** the lib/ directory it was built from */
  lib: string;
  /** files of lib/ that user code may import (built as entry points) */
  public: string[];
  /** import() lent by bin/tsplay.js: the bundle runs as a vm.Script, which has none (dynimport.ts) */
  import(spec: string): Promise<unknown>;
}

export function bundledEngine(): BundledEngine | undefined {
  return (globalThis as Record<symbol, BundledEngine | undefined>)[Symbol.for('tsplay.engine')];
}
