import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RoleInstance } from '../dsl/types.js';
import { overlayVars, renderFile, templateFileVars } from '../template/index.js';
import { parseExtraVars } from '../vars/extra.js';
import { previewVars } from '../executor/preview.js';
import { importUserModule } from '../util/usercode.js';
import { CliError, parse } from './args.js';
import { loadAnsibleConfig } from './ansiblecfg.js';
import { loadInventories } from './load.js';
import { VAULT_OPTIONS, vaultKeyring } from './vault-options.js';

const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  host: { type: 'string' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  ...VAULT_OPTIONS,
} as const;

/** A template under roles/NAME/templates/ is rendered with that role's defaults too. */
async function roleOf(file: string): Promise<RoleInstance | undefined> {
  const dir = dirname(resolve(file));
  if (basename(dir) !== 'templates') return undefined;
  const index = join(dirname(dir), 'index.ts');
  if (!existsSync(index)) return undefined;
  const mod = (await importUserModule(index)) as { default?: RoleInstance };
  return mod.default?.kind === 'role' ? mod.default : undefined;
}

/** `tsplay template FILE -i INV --host NAME`: render with the host's vars, connecting nowhere. */
export async function cmdTemplate(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (positionals.length !== 1 || !o.host) throw new CliError('usage: tsplay template FILE -i INVENTORY --host NAME [-e k=v]');
  const file = positionals[0];
  if (!existsSync(file)) throw new CliError(`template ${file} does not exist`);
  const vault = await vaultKeyring(o);
  const inv = await loadInventories(o.inventory ?? loadAnsibleConfig(process.cwd()).inventory, vault);
  if (!inv.hosts.has(o.host)) throw new CliError(`host '${o.host}' is not in the inventory`);
  const vars = previewVars(inv, o.host, { extraVars: parseExtraVars(o['extra-vars'] ?? [], process.cwd(), vault), role: await roleOf(file), cwd: process.cwd() });
  // what the template module adds (ansible_managed, template_*), so the text is what a run writes
  process.stdout.write(renderFile(file, overlayVars(vars, templateFileVars(file, resolve(file))), { host: o.host }));
  return 0;
}
