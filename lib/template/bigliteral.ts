// Integer literals beyond 2^53 in templates ({{ id == 11529255657917183466 }}): nunjucks parses
// them with parseInt, which rounds. The parser is patched to keep such literals as BigInt, and
// the compiler to emit them as BigInt literals (`123n`).
import parserMod from 'nunjucks/src/parser.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- nunjucks internals are untyped */
type Node = { typename: string; lineno: number; colno: number; [k: string]: any };

export function patchBigIntLiterals(compilerProto: Record<string, any>): void {
  const pproto = parserMod.Parser.prototype;
  const origPrimary = pproto.parsePrimary as (this: any, noPostfix?: boolean) => Node;
  pproto.parsePrimary = function (this: any, noPostfix?: boolean): Node {
    const tok = this.peekToken() as { type: string; value: string; lineno: number; colno: number } | null;
    const node = origPrimary.call(this, noPostfix);
    if (tok?.type !== 'int' || Number.isSafeInteger(Number(tok.value))) return node;
    // the literal may sit under postfix nodes (a lookup or call on it)
    let lit: Node | undefined = node;
    while (lit && lit.typename !== 'Literal') lit = (lit.target ?? lit.name) as Node | undefined;
    if (lit && lit.lineno === tok.lineno && lit.colno === tok.colno) lit.value = BigInt(tok.value);
    return node;
  };
  const origLiteral = compilerProto.compileLiteral as (this: any, node: Node, frame: unknown) => void;
  compilerProto.compileLiteral = function (this: any, node: Node, frame: unknown): void {
    if (typeof node.value === 'bigint') return this._emit(`${node.value.toString()}n`);
    return origLiteral.call(this, node, frame);
  };
}
