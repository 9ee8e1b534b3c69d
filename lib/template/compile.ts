// Changes to how nunjucks compiles templates, applied only to environments marked STRICT so any
// other nunjucks user keeps stock behaviour. Every variable lookup, attribute, operator, filter
// and test is compiled into a call to env.tsplay (runtime.ts), carrying the template file and
// line, which is how undefined values become errors and Python semantics hold.
// Soft sites — the value of `| default(...)` and of `is defined`/`is undefined` — look
// names up without failing, so optional variables stay easy to write.

/// <reference path="./nunjucks-internals.d.ts" />
import path from 'node:path';
// Imported, not require()d: the prebuilt engine bundles each dependency once (bin/engine.js),
// and these patches must reach the very modules env.ts's nunjucks uses.
import compilerMod from 'nunjucks/src/compiler.js';
import envMod from 'nunjucks/src/environment.js';
import lexer from 'nunjucks/src/lexer.js';
import { patchBigIntLiterals } from './bigliteral.js';
import { TemplateError } from './errors.js';
import { NAME_KEY } from './runtime.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- nunjucks internals are untyped */
type Node = { typename: string; lineno: number; colno: number; [k: string]: any };
type Frame = { lookup(name: string): string | undefined };
interface Compiler {
  throwOnUndefined: unknown;
  templateName: string | undefined;
  buffer: string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  compile(node: Node, frame: Frame): void;
  _compileExpression(node: Node, frame: Frame): void;
  _compileAggregate(node: Node, frame: Frame, start?: string, end?: string): void;
  compileLiteral(node: Node, frame: Frame): void;
}
type Method = (this: Compiler, node: Node, frame: Frame, ...rest: unknown[]) => void;

export const STRICT = 'tsplay-strict';
/** The name of templates compiled once for many strings; each render passes the string's name. */
export const SHARED_NAME = '\u0000shared expression';
const SOFT_FILTERS = new Set(['default', 'd']);
const SOFT_TESTS = new Set(['defined', 'undefined']);
const ARITH: Record<string, string> = { Add: '+', Sub: '-', Mul: '*', Div: '/', FloorDiv: '//', Mod: '%', Pow: '**' };


/** How a template path is shown in errors: relative to the working directory when inside it. */
export function displayPath(p: string | undefined): string {
  if (!p) return '(template)';
  if (!path.isAbsolute(p)) return p;
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function tsNode(fn: string, lineno: number, colno: number, args: Node[]): Node {
  return { typename: 'TsCall', fn, args, lineno, colno };
}

/** A readable name for an expression, for "undefined variable 'etcd.peer_port'". */
function describe(node: Node): string {
  switch (node.typename) {
    case 'Symbol': return String(node.value);
    case 'Literal': return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    case 'LookupVal': {
      const t = describe(node.target);
      const v = node.val;
      if (v.typename === 'Literal' && typeof v.value === 'string' && /^[A-Za-z_]\w*$/.test(v.value)) return `${t}.${v.value}`;
      if (v.typename === 'Slice') return `${t}[:]`;
      return `${t}[${describe(v)}]`;
    }
    case 'FunCall': return `${describe(node.name)}(...)`;
    case 'Filter': return `(${describe(node.args.children[0])} | ${node.name.value})`;
    case 'Group': return node.children.length === 1 ? describe(node.children[0]) : '(...)';
    default: return '(expression)';
  }
}

let installed = false;

export function installStrictCompiler(): void {
  if (installed) return;
  installed = true;
  const proto = compilerMod.Compiler.prototype;
  const orig: Record<string, Method> = {};
  const strict = (c: Compiler) => c.throwOnUndefined === STRICT;
  const patch = (name: string, fn: Method) => {
    orig[name] = proto[name] as Method;
    proto[name] = function (this: Compiler, node: Node, frame: Frame, ...rest: unknown[]) {
      if (!strict(this)) return orig[name]!.call(this, node, frame, ...rest);
      return fn.call(this, node, frame, ...rest);
    };
  };
  // an expression template is shared by every string that uses it: its name comes with each render
  const site = (c: Compiler, node: Node) =>
    `${node.lineno + 1}, ${c.templateName === SHARED_NAME ? `context.ctx[${JSON.stringify(NAME_KEY)}]` : JSON.stringify(displayPath(c.templateName))}`;

  // A helper call: env.tsplay.fn(line, file, <args...>)
  const call = (c: Compiler, node: Node, fn: string, emitArgs: () => void) => {
    c._emit(`env.tsplay.${fn}(${site(c, node)}, `);
    emitArgs();
    c._emit(')');
  };

  const compileSoft = (c: Compiler, node: Node, frame: Frame): void => {
    if (node.typename === 'Symbol') return compileSymbol(c, node, frame, true);
    if (node.typename === 'LookupVal') return compileLookup(c, node, frame, true);
    // `a | default(b) | default(c)`: b may be undefined too, as Jinja's Undefined passes on
    if (node.typename === 'Filter' && SOFT_FILTERS.has(String(node.name.value))) return compileFilterCall(c, node, frame, true);
    if (node.typename === 'Group' && node.children.length === 1) {
      c._emit('(');
      compileSoft(c, node.children[0], frame);
      c._emit(')');
      return;
    }
    c.compile(node, frame);
  };

  const compileSymbol = (c: Compiler, node: Node, frame: Frame, soft: boolean) => {
    const name = String(node.value);
    const bound = frame.lookup(name);
    if (bound) {
      call(c, node, 'local', () => c._emit(`${bound}, ${JSON.stringify(name)}, ${soft}`));
    } else {
      call(c, node, 'sym', () => c._emit(`context, frame, ${JSON.stringify(name)}, ${soft}`));
    }
  };

  const compileLookup = (c: Compiler, node: Node, frame: Frame, soft: boolean) => {
    if (node.val.typename === 'Slice') {
      call(c, node, 'slice', () => {
        c._compileExpression(node.target, frame);
        c._emit(', ');
        c.compile(node.val, frame);
      });
      return;
    }
    call(c, node, 'member', () => {
      if (soft) compileSoft(c, node.target, frame);
      else c._compileExpression(node.target, frame);
      c._emit(', ');
      c._compileExpression(node.val, frame);
      c._emit(`, ${soft}, ${JSON.stringify(describe(node))}, ${JSON.stringify(describe(node.target))}`);
    });
  };

  patch('compileSymbol', function (node, frame) { compileSymbol(this, node, frame, false); });
  patch('compileLookupVal', function (node, frame) { compileLookup(this, node, frame, false); });

  // A filter call. For `| default(value)` the input is looked up softly and the value is passed
  // as a thunk, evaluated only when it is used (Jinja hands the filter an Undefined, which fails
  // only when used); softly too when another default follows (`softValue`).
  const compileFilterCall = (c: Compiler, node: Node, frame: Frame, softValue: boolean): void => {
    const name = String(node.name.value);
    const [first, ...rest] = node.args.children as Node[];
    const isDefault = SOFT_FILTERS.has(name);
    const lazyValue = isDefault && rest[0] !== undefined && rest[0].typename !== 'KeywordArgs';
    call(c, node, 'callFilter', () => {
      c._emit(JSON.stringify(name));
      c._emit(', ');
      if (isDefault) compileSoft(c, first!, frame);
      else c._compileExpression(first!, frame);
      rest.forEach((a, i) => {
        c._emit(', ');
        if (!(lazyValue && i === 0)) return c._compileExpression(a, frame);
        c._emit('env.tsplay.lazy(() => (');
        if (softValue) compileSoft(c, a, frame);
        else c._compileExpression(a, frame);
        c._emit('))');
      });
    });
  };

  patch('compileFilter', function (node, frame) { compileFilterCall(this, node, frame, false); });

  patch('compileIs', function (node, frame) {
    const right = node.right as Node;
    let name: string;
    if (right.typename === 'Literal') name = right.value === null ? 'none' : String(right.value);
    else name = String(right.name ? right.name.value : right.value);
    call(this, node, 'callTest', () => {
      this._emit(JSON.stringify(name));
      this._emit(', ');
      if (SOFT_TESTS.has(name)) compileSoft(this, node.left, frame);
      else this._compileExpression(node.left, frame);
      if (right.typename === 'FunCall' && right.args.children.length) {
        this._emit(', ');
        this._compileAggregate(right.args, frame);
      }
    });
  });

  patch('compileOutput', function (node, frame) {
    for (const child of node.children as Node[]) {
      if (child.typename === 'TemplateData') {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
        continue;
      }
      this._emit(`${this.buffer} += `);
      call(this, child, 'out', () => this._compileExpression(child, frame));
      this._emitLine(';');
    }
  });

  patch('compileIf', function (node, frame, ...rest) {
    if (node.cond.typename !== 'TsCall') node.cond = tsNode('truthy', node.cond.lineno, node.cond.colno, [node.cond]);
    orig.compileIf!.call(this, node, frame, ...rest);
  });
  patch('compileInlineIf', function (node, frame) {
    if (node.cond.typename !== 'TsCall') node.cond = tsNode('truthy', node.cond.lineno, node.cond.colno, [node.cond]);
    orig.compileInlineIf!.call(this, node, frame);
  });
  const wrapLoop = (name: string) => patch(name, function (node, frame, ...rest) {
    if (node.arr.typename !== 'TsCall') {
      node.arr = tsNode(node.name.typename === 'Array' ? 'iterN' : 'iter1', node.arr.lineno, node.arr.colno, [node.arr]);
    }
    orig[name]!.call(this, node, frame, ...rest);
  });
  wrapLoop('compileFor');
  wrapLoop('compileAsyncEach');
  wrapLoop('compileAsyncAll');

  patch('compileNot', function (node, frame) {
    this._emit('!');
    call(this, node, 'truthy', () => this._compileExpression(node.target, frame));
  });
  for (const [kind, fn] of [['compileAnd', 'and'], ['compileOr', 'or']] as const) {
    patch(kind, function (node, frame) {
      call(this, node, fn, () => {
        this._compileExpression(node.left, frame);
        this._emit(', function () { return ');
        this._compileExpression(node.right, frame);
        this._emit('; }');
      });
    });
  }
  patch('compileCompare', function (node, frame) {
    call(this, node, 'cmp', () => {
      this._compileExpression(node.expr, frame);
      this._emit(', [');
      (node.ops as Node[]).forEach((op, i) => {
        if (i) this._emit(', ');
        this._emit(`${JSON.stringify(op.type)}, `);
        this._compileExpression(op.expr, frame);
      });
      this._emit(']');
    });
  });
  patch('compileIn', function (node, frame) {
    call(this, node, 'contains', () => {
      this._compileExpression(node.left, frame);
      this._emit(', ');
      this._compileExpression(node.right, frame);
    });
  });
  patch('compileConcat', function (node, frame) {
    call(this, node, 'concat', () => {
      this._compileExpression(node.left, frame);
      this._emit(', ');
      this._compileExpression(node.right, frame);
    });
  });
  for (const [kind, op] of Object.entries(ARITH)) {
    patch(`compile${kind}`, function (node, frame) {
      call(this, node, 'arith', () => {
        this._emit(`${JSON.stringify(op)}, `);
        this._compileExpression(node.left, frame);
        this._emit(', ');
        this._compileExpression(node.right, frame);
      });
    });
  }
  patch('compileNeg', function (node, frame) {
    call(this, node, 'neg', () => this._compileExpression(node.target, frame));
  });

  // Jinja dict keys are expressions ({item.name: item.value}); nunjucks only allows names.
  patch('compileDict', function (node, frame) {
    if (node.typename !== 'Dict') return orig.compileDict!.call(this, node, frame);
    call(this, node, 'dict', () => {
      this._emit('[');
      (node.children as Node[]).forEach((pair, i) => {
        if (i) this._emit(', ');
        this._compileExpression(pair.key, frame);
        this._emit(', ');
        this._compileExpression(pair.value, frame);
      });
      this._emit(']');
    });
  });
  // {% set ns.attr = value %}: Jinja assigns attributes of namespace() objects only.
  patch('compileSet', function (node, frame) {
    const target = (node.targets as Node[])[0];
    if (node.targets.length !== 1 || target?.typename !== 'LookupVal') {
      // Jinja scoping: a set inside a loop (or macro) body makes a name of that body; nunjucks
      // would assign the outer name (frame.set(..., true) resolves upwards). Outside any loop the
      // frame is the top one, where both are the same.
      const self = this as Compiler & { _emitLine(code: string): void };
      const emitLine = self._emitLine;
      self._emitLine = (code: string) => emitLine.call(self, /^frame\.set\(".*", t_\d+, true\);$/.test(code) ? code.replace(/, true\);$/, ');') : code);
      try {
        return orig.compileSet!.call(this, node, frame);
      } finally {
        delete (self as { _emitLine?: unknown })._emitLine;
      }
    }
    call(this, node, 'setAttr', () => {
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emit(', ');
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
    });
    this._emitLine(';');
  });
  // (a, b) is a tuple, not JS's comma operator.
  patch('compileGroup', function (node, frame) {
    if (node.children.length > 1) return this._compileAggregate(node, frame, '[', ']');
    return orig.compileGroup!.call(this, node, frame);
  });

  // obj.name(...) calls the Python method even when a dict also has data under that name.
  patch('compileFunCall', function (node, frame) {
    const callee = node.name as Node;
    if (callee.typename === 'Symbol') {
      // f(...): a global (lookup, range, namespace) or a macro; its failures get this line
      this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
      call(this, node, 'callFn', () => {
        this._compileExpression(callee, frame);
        this._emit(`, ${JSON.stringify(String(callee.value))}, context, `);
        this._compileAggregate(node.args, frame, '[', ']');
      });
      this._emit(')');
      return;
    }
    if (callee.typename !== 'LookupVal' || callee.val.typename !== 'Literal' || typeof callee.val.value !== 'string') {
      return orig.compileFunCall!.call(this, node, frame);
    }
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    call(this, node, 'callMethod', () => {
      this._compileExpression(callee.target, frame);
      this._emit(`, ${JSON.stringify(callee.val.value)}, `);
      this._compileAggregate(node.args, frame, '[', ']');
      this._emit(`, ${JSON.stringify(describe(callee))}, ${JSON.stringify(describe(callee.target))}`);
    });
    this._emit(')');
  });

  // `for x in xs if cond` (parse.ts): the kept items, computed before the loop runs, with the
  // loop's names bound to each item while cond is evaluated
  proto.compileLoopFilter = function (this: Compiler & { _tmpid(): string }, node: Node, frame: Frame & { push(): Frame & { set(n: string, v: string): void } }) {
    const out = this._tmpid();
    const arr = this._tmpid();
    const i = this._tmpid();
    this._emit(`(function () { var ${out} = []; var ${arr} = `);
    call(this, node, 'iter1', () => this._compileExpression(node.arr, frame));
    this._emit(`; for (var ${i} = 0; ${i} < ${arr}.length; ${i}++) { `);
    const inner = frame.push();
    const target = node.target as Node;
    const names: Node[] = target.typename === 'Array' ? target.children : [target];
    names.forEach((n, u) => {
      const id = this._tmpid();
      this._emit(`var ${id} = ${target.typename === 'Array' ? `${arr}[${i}][${u}]` : `${arr}[${i}]`}; `);
      inner.set(String(n.value), id);
    });
    this._emit('if (');
    call(this, node, 'truthy', () => this._compileExpression(node.cond, inner));
    this._emit(`) ${out}.push(${arr}[${i}]); } return ${out}; })()`);
  };

  proto.compileTsCall = function (this: Compiler, node: Node, frame: Frame) {
    call(this, node, node.fn as string, () => {
      (node.args as Node[]).forEach((a, i) => {
        if (i) this._emit(', ');
        this._compileExpression(a, frame);
      });
    });
  };
  const origAssert = proto.assertType as (node: Node, ...types: unknown[]) => void;
  proto.assertType = function (this: Compiler, node: Node, ...types: unknown[]) {
    if (node && (node.typename === 'TsCall' || node.typename === 'LoopFilter')) return;
    return origAssert.call(this, node, ...types);
  };

  patchTemplate();
  patchStringLiterals();
  patchBigIntLiterals(proto);
}

const PY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * Python string-literal escapes: an unknown escape keeps its backslash, so '\d+' in a template
 * stays the regex \d+ (nunjucks would turn it into 'd+').
 */
function patchStringLiterals(): void {
  const origLex = lexer.lex;
  lexer.lex = (src, opts) => {
    const tokenizer = origLex(src, opts);
    tokenizer.pyStrings = !!opts && opts.throwOnUndefined === STRICT;
    return tokenizer;
  };
  const tproto = Object.getPrototypeOf(origLex('')) as Record<string, any>;
  const origParse = tproto._parseString as (this: any, delimiter: string) => string;
  tproto._parseString = function (this: any, delimiter: string): string {
    if (!this.pyStrings) return origParse.call(this, delimiter);
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const cur = this.current() as string;
      if (cur === '\\') {
        this.forward();
        const next = this.current() as string;
        if (Object.prototype.hasOwnProperty.call(PY_ESCAPES, next)) str += PY_ESCAPES[next];
        else str += '\\' + next;
      } else str += cur;
      this.forward();
    }
    this.forward();
    return str;
  };
}

/** Parse errors and stray runtime errors become TemplateErrors naming the template that failed. */
function patchTemplate(): void {
  const tproto = envMod.Template.prototype;
  const origCompile = tproto._compile as (this: any) => void;
  tproto._compile = function (this: any) {
    if (!this.env.tsplay) return origCompile.call(this);
    try {
      return origCompile.call(this);
    } catch (e) {
      throw asTemplateError(e, this.path, 'syntax error: ');
    }
  };
  const origRender = tproto.render as (this: any, ...a: any[]) => any;
  tproto.render = function (this: any, ...args: any[]) {
    if (!this.env.tsplay) return origRender.apply(this, args);
    const cbIndex = args.findIndex((a) => typeof a === 'function');
    if (cbIndex >= 0) {
      const cb = args[cbIndex] as (err: unknown, res?: unknown) => void;
      args[cbIndex] = (err: unknown, res?: unknown) => cb(err ? asTemplateError(err, this.path) : null, res);
      return origRender.apply(this, args);
    }
    try {
      return origRender.apply(this, args);
    } catch (e) {
      throw asTemplateError(e, this.path);
    }
  };
}

/** nunjucks prefixes "(file) [Line n, Column m]" to messages; keep only the reason. */
function stripLocation(msg: string): string {
  return msg.replace(/^(\([^\n]*\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*)+/, '').replace(/^Error: /, '');
}

export function asTemplateError(e: unknown, tmplPath: string | undefined, prefix = ''): TemplateError {
  if (e instanceof TemplateError) return e;
  const err = e as { message?: string; lineno?: number; cause?: unknown };
  const cause = err && err.cause instanceof Error ? err.cause : undefined;
  if (cause instanceof TemplateError) return cause;
  const reason = stripLocation(cause ? cause.message : String(err?.message ?? e));
  const line = typeof err?.lineno === 'number' && err.lineno > 0 ? err.lineno : undefined;
  return new TemplateError(prefix + reason, displayPath(tmplPath), line);
}
