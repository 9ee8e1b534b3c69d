// Whether this process runs the prebuilt engine (bin/engine.js) or lib/ itself through tsx.
// bin/tsplay.js sets the marker before it imports the engine.

export interface BundledEngine {
  /** the engine's build directory: index.js, testing.js, cli/main.js and shared chunks */
  dir: string;
  /** the lib/ directory it was built from */
  lib: string;
  /** files of lib/ that user code may import (built as entry points) */
  public: string[];
}

export function bundledEngine(): BundledEngine | undefined {
  return (globalThis as Record<symbol, BundledEngine | undefined>)[Symbol.for('tsplay.engine')];
}
