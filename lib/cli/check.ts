import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import type { Inventory } from '../inventory/model.js';
import { CliError, parse } from './args.js';
import { explain } from './errors.js';
import { UserError } from '../util/errors.js';
import { checkText, collectTexts } from './check-templates.js';
import { loadInventories, loadPlaybook, settledImport } from './load.js';
import { compilePlay } from '../executor/play.js';
import type { Playbook, RoleInstance } from '../dsl/types.js';
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
  const { values: o, positionals } = parse(argv, { inventory: { type: 'string', short: 'i', multiple: true } });
  if (!positionals.length) throw new CliError('usage: tsplay check PLAYBOOK.ts [MORE.ts ...] [-i INVENTORY]');
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
  const playbooks: Playbook[] = [];
  for (const f of positionals) {
    // a role's test (tsplay new role checks it with the role) runs under mocha, not here
    if (/\.test\.[cm]?ts$/.test(f)) continue;
    try {
      const kind = (await settledImport(resolve(f), f)).default as { kind?: unknown } | undefined;
      // a role alone is fine to check (its templates as a play listing it would use them);
      // anything else must be what tsplay run loads
      if (kind?.kind === 'role') {
        const role = kind as unknown as RoleInstance;
        playbooks.push({ kind: 'playbook', name: role.name, plays: [{ hosts: 'all', roles: [role] }], dir: role.dir });
        continue;
      }
      const pb = await loadPlaybook(f);
      playbooks.push(pb);
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
  // templates and Jinja strings of the playbooks' roles, checked statically (check-templates.ts)
  const names = o.inventory?.length ? inventoryNames(await loadInventories(o.inventory)) : [];
  const problems = playbooks.flatMap((pb) => collectTexts(pb, names)).flatMap((t) => checkText(t));
  const seen = new Set<string>();
  for (const p of problems) {
    const line = `${p.at} ${p.message}`;
    if (!seen.has(line)) process.stdout.write(line + '\n');
    seen.add(line);
  }
  if (seen.size) {
    process.stderr.write(`${seen.size} template problem${seen.size === 1 ? '' : 's'}; nothing was run${o.inventory?.length ? '' : ' (variables that only the inventory sets are known with -i INVENTORY)'}\n`);
    return 1;
  }
  process.stdout.write(`ok: ${positionals.join(', ')} and every role it uses type-check, load, and their templates use only known variables, filters and tests\n`);
  return 0;
}

/** Every variable name the inventory sets anywhere (hosts, groups, group_vars/, host_vars/). */
function inventoryNames(inv: Inventory): string[] {
  const out = new Set<string>();
  for (const h of inv.hosts.values()) for (const v of [h.vars, h.fileVars]) Object.keys(v).forEach((k) => out.add(k));
  for (const g of inv.groups.values()) for (const v of [g.vars, g.fileVars]) Object.keys(v).forEach((k) => out.add(k));
  return [...out];
}
