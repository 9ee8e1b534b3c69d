// import() for the prebuilt engine. It runs as a vm.Script (bin/codecache.js), where Node 20 has
// no import() without --experimental-vm-modules, so bin/tsplay.js lends its own; under tsx this
// is the plain import().
type Importer = (spec: string) => Promise<unknown>;

export function dynamicImport<T = Record<string, unknown>>(spec: string): Promise<T> {
  const lent = (globalThis as Record<symbol, Importer | undefined>)[Symbol.for('tsplay.import')];
  return (lent ? lent(spec) : import(spec)) as Promise<T>;
}
