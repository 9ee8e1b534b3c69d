import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import type { Inventory } from '../inventory/model.js';
import { CliError, parse } from './args.js';
import { checkText, collectTexts } from './check-templates.js';
import { loadInventories, loadPlaybook } from './load.js';

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
  // what `run` refuses when it loads the playbook, check refuses too
  const playbooks = [];
  for (const f of positionals) playbooks.push(await loadPlaybook(f));
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
