import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { CliError, parse } from './args.js';
import { explain } from './errors.js';
import { UserError } from '../util/errors.js';
import { loadPlaybook, settledImport } from './load.js';
import { compilePlay } from '../executor/play.js';
import { userFrame } from '../util/userframe.js';

// `tsplay check`: the type checker over the playbook and everything it imports (roles, the
// engine's typed module args), reported as file:line:col so editors and CI can jump to it.

function compilerOptions(start: string): ts.CompilerOptions {
  const cfgPath = ts.findConfigFile(start, (f) => existsSync(f), 'tsconfig.json');
  if (!cfgPath) {
    return { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true };
  }
  const cfg = ts.readConfigFile(cfgPath, (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, dirname(cfgPath));
  return { ...parsed.options, noEmit: true };
}

export function typeCheck(files: string[]): { errors: string[] } {
  const roots = files.map((f) => resolve(f));
  const program = ts.createProgram(roots, compilerOptions(dirname(roots[0])));
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || !d.file.fileName.includes('/node_modules/'));
  const errors = diags.map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${msg}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1} ${msg} (TS${d.code})`;
  });
  return { errors };
}

export async function cmdCheck(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {});
  if (!positionals.length) throw new CliError('usage: tsplay check PLAYBOOK.ts [MORE.ts ...]');
  for (const f of positionals) if (!existsSync(f)) throw new CliError(`${f} does not exist`);
  const { errors } = typeCheck(positionals);
  for (const e of errors) process.stdout.write(e + '\n');
  if (errors.length) {
    process.stderr.write(`${errors.length} type error${errors.length === 1 ? '' : 's'}; nothing was run\n`);
    return 1;
  }
  // what `tsplay run` would refuse when it loads the file: no playbook as the default export, a
  // top-level throw or await that never settles, plays whose tasks cannot be built
  const loadErrors: string[] = [];
  for (const f of positionals) {
    // a role's test (tsplay new role checks it with the role) runs under mocha, not here
    if (/\.test\.[cm]?ts$/.test(f)) continue;
    try {
      const kind = (await settledImport(resolve(f), f)).default as { kind?: unknown } | undefined;
      // a role alone is fine to check; anything else must be what tsplay run loads
      if (kind?.kind === 'role') continue;
      const pb = await loadPlaybook(f);
      pb.plays.forEach((play, i) => {
        try {
          compilePlay(play);
        } catch (e) {
          const at = userFrame(e);
          loadErrors.push(`${f}: play #${i + 1}: building its tasks failed${at ? ` at ${at}` : ''}: ${(e as Error).message}`);
        }
      });
    } catch (e) {
      // the module's own throw (or a compile error of the bundler) is the user's, with its line
      const at = e instanceof UserError ? undefined : userFrame(e);
      loadErrors.push(e instanceof UserError ? explain(e) : `cannot load ${f}: ${(e as Error).message.split('\n')[0]}${at ? ` (thrown at ${at})` : ''}`);
    }
  }
  for (const e of loadErrors) process.stdout.write(e + '\n');
  if (loadErrors.length) {
    process.stderr.write(`type-checks, but ${loadErrors.length === 1 ? 'a file' : `${loadErrors.length} files`} would not load in tsplay run; nothing was run\n`);
    return 1;
  }
  process.stdout.write(`ok: ${positionals.join(', ')} and every role it uses type-check and load\n`);
  return 0;
}
