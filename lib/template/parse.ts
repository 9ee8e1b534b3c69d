// Jinja syntax nunjucks' parser rejects, accepted in tsplay's (strict) templates only:
// - a trailing comma in list, dict and tuple literals (`{'a': 1,}`, `[1, 2,]`, `(1,)`) and in
//   call arguments (`namespace(ips=[],)`), and any expression as a dict key;
// - a bare tuple after `for ... in` (`{% for x in "a", "b" %}`), and a loop filter
//   (`{% for x in xs if x.enabled %}`);
// - a test's one argument without parentheses (`x is sameas true`, `n is divisibleby 3`), and
//   dotted test names (`v is ansible.builtin.version('1.2', '>=')`).
// Other nunjucks users keep stock parsing: the lexer marks tsplay's token streams (compile.ts).
import parserMod from 'nunjucks/src/parser.js';
import nodesMod from 'nunjucks/src/nodes.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- nunjucks internals are untyped */
type Tok = { type: string; value: string; lineno: number; colno: number };
type P = Record<string, any> & { tokens: { pyStrings?: boolean } };

const nodes = nodesMod as Record<string, any>;
const CLOSERS = new Set(['right-paren', 'right-bracket', 'right-curly']);
/** Tokens that start a test's bare argument (Jinja's parse_test). */
const ARG_START = new Set(['symbol', 'string', 'int', 'float', 'boolean', 'none', 'left-paren', 'left-bracket', 'left-curly']);
const NOT_ARG = new Set(['else', 'or', 'and', 'if', 'in', 'is', 'not']);

let patched = false;

/** Must run before nunjucks.installJinjaCompat(), whose slice parsing wraps parseAggregate. */
export function patchParser(): void {
  if (patched) return;
  patched = true;
  const proto = parserMod.Parser.prototype as Record<string, any>;
  const strict = (p: P) => !!p.tokens && p.tokens.pyStrings === true;

  const origAggregate = proto.parseAggregate as (this: P) => unknown;
  proto.parseAggregate = function (this: P) {
    if (!strict(this)) return origAggregate.call(this);
    const tok = this.nextToken() as Tok;
    let node: any;
    switch (tok.type) {
      case 'left-paren': node = new nodes.Group(tok.lineno, tok.colno); break;
      case 'left-bracket': node = new nodes.Array(tok.lineno, tok.colno); break;
      case 'left-curly': node = new nodes.Dict(tok.lineno, tok.colno); break;
      default: return null;
    }
    let trailingComma = false;
    for (;;) {
      if (CLOSERS.has((this.peekToken() as Tok).type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip('comma')) this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        trailingComma = true;
        if (CLOSERS.has((this.peekToken() as Tok).type)) {
          this.nextToken();
          break;
        }
      }
      trailingComma = false;
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip('colon')) this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    // (x,) is a one-item tuple, which tsplay represents as a list
    if (node instanceof nodes.Group && node.children.length === 1 && trailingComma) {
      return new nodes.Array(tok.lineno, tok.colno, node.children);
    }
    return node;
  };

  const origSignature = proto.parseSignature as (this: P, tolerant?: boolean, noParens?: boolean) => unknown;
  proto.parseSignature = function (this: P, tolerant?: boolean, noParens?: boolean) {
    if (!strict(this) || noParens) return origSignature.call(this, tolerant, noParens);
    let tok = this.peekToken() as Tok;
    if (tok.type !== 'left-paren') {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    tok = this.nextToken() as Tok;
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    let checkComma = false;
    for (;;) {
      tok = this.peekToken() as Tok;
      if (tok.type === 'right-paren') {
        this.nextToken();
        break;
      }
      if (checkComma) {
        if (!this.skip('comma')) this.fail('parseSignature: expected comma after expression', tok.lineno, tok.colno);
        if ((this.peekToken() as Tok).type === 'right-paren') continue; // f(a, b,)
      }
      const argNode = this.parseExpression();
      if (this.skipValue('operator', '=')) kwargs.addChild(new nodes.Pair(argNode.lineno, argNode.colno, argNode, this.parseExpression()));
      else args.addChild(argNode);
      checkComma = true;
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };

  const origFor = proto.parseFor as (this: P) => unknown;
  proto.parseFor = function (this: P) {
    if (!strict(this)) return origFor.call(this);
    // parse as usual, but let parseExpression see `in a, b` as one tuple
    const origExpr = this.parseExpression as () => any;
    let first = true;
    this.parseExpression = function (this: P) {
      if (!first) return origExpr.call(this);
      first = false;
      delete this.parseExpression;
      const head = origExpr.call(this);
      if ((this.peekToken() as Tok).type !== 'comma') return head;
      const tuple = new nodes.Array(head.lineno, head.colno, [head]);
      while (this.skip('comma')) {
        const t = this.peekToken() as Tok;
        if (t.type === 'block-end') break;
        tuple.addChild(origExpr.call(this));
      }
      return tuple;
    };
    let node: any;
    try {
      node = origFor.call(this);
    } finally {
      delete this.parseExpression;
    }
    // `for x in xs if cond`: nunjucks read `xs if cond` as an inline if without else; Jinja
    // filters the items (loop.index and loop.length count only those kept); compile.ts
    if (node.arr && node.arr.typename === 'InlineIf' && node.arr.else_ === null) {
      node.arr = { typename: 'LoopFilter', lineno: node.arr.lineno, colno: node.arr.colno, arr: node.arr.body, cond: node.arr.cond, target: node.name };
    }
    return node;
  };

  /** After `is` [not]: the test's name, its arguments (in parentheses or one bare), as an Is node. */
  const parseTest = function (this: P, node: any): any {
    const not = this.skipSymbol('not');
    const nameTok = this.nextToken() as Tok;
    let name: string;
    if (nameTok.type === 'symbol') {
      name = nameTok.value;
      while (this.skipValue('operator', '.')) name += '.' + (this.expect('symbol') as Tok).value;
    } else if (nameTok.type === 'boolean' || nameTok.type === 'none') {
      name = nameTok.value;
    } else {
      this.fail(`expected a test name after 'is', got ${nameTok.type} ${JSON.stringify(nameTok.value)}`, nameTok.lineno, nameTok.colno);
      return node;
    }
    const sym = new nodes.Symbol(nameTok.lineno, nameTok.colno, name);
    let test: any = sym;
    const next = this.peekToken() as Tok | null;
    if (next && next.type === 'left-paren') {
      test = new nodes.FunCall(nameTok.lineno, nameTok.colno, sym, this.parseSignature());
    } else if (next && ARG_START.has(next.type) && !(next.type === 'symbol' && NOT_ARG.has(next.value))) {
      const argNode = this.parsePrimary();
      test = new nodes.FunCall(nameTok.lineno, nameTok.colno, sym, new nodes.NodeList(next.lineno, next.colno, [argNode]));
    }
    let out = new nodes.Is(node.lineno, node.colno, node, test);
    if (not) out = new nodes.Not(node.lineno, node.colno, out);
    return out;
  };

  // Jinja parses `is` with the filters (parse_filter_expr), so it binds tighter than operators:
  // `a == b is defined` is `a == (b is defined)`, `x | length is divisibleby 3` tests the length
  const origFilter = proto.parseFilter as (this: P, node: unknown) => unknown;
  proto.parseFilter = function (this: P, node: unknown) {
    if (!strict(this)) return origFilter.call(this, node);
    let out = origFilter.call(this, node);
    while (this.skipSymbol('is')) out = origFilter.call(this, parseTest.call(this, out));
    return out;
  };

  const origIs = proto.parseIs as (this: P) => unknown;
  proto.parseIs = function (this: P) {
    if (!strict(this)) return origIs.call(this);
    const node = this.parseCompare();
    return this.skipSymbol('is') ? parseTest.call(this, node) : node;
  };
}
