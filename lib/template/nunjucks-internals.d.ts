// nunjucks ships no types for the internal modules compile.ts patches; these are the parts it uses.
/* eslint-disable @typescript-eslint/no-explicit-any -- nunjucks internals are untyped */
declare module 'nunjucks/src/compiler.js' {
  const mod: { Compiler: { prototype: Record<string, any> } };
  export default mod;
}
declare module 'nunjucks/src/environment.js' {
  const mod: { Template: { prototype: Record<string, any> } };
  export default mod;
}
declare module 'nunjucks/src/lexer.js' {
  const mod: { lex: (src: string, opts?: Record<string, unknown>) => any };
  export default mod;
}
declare module 'nunjucks/src/parser.js' {
  const mod: { Parser: { prototype: Record<string, any> } };
  export default mod;
}
declare module 'nunjucks/src/nodes.js' {
  const mod: Record<string, any>;
  export default mod;
}
