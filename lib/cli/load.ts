import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Playbook } from '../dsl/types.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { importUserModule } from '../util/usercode.js';
import { CliError } from './args.js';
import type { VaultKeyring } from '../vault/keyring.js';

export async function loadPlaybook(file: string): Promise<Playbook> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new CliError(`playbook ${file} does not exist`);
  let mod: { default?: unknown };
  try {
    mod = await importUserModule(abs);
  } catch (e) {
    const hint = /require\(\) ES Module|ERR_REQUIRE/.test(String((e as Error).message))
      ? `a .ts file outside a package whose package.json says "type": "module" loads as CommonJS; keep playbooks in the project or name the file .mts`
      : `run 'tsplay check ${file}' for type errors`;
    throw new CliError(`cannot load playbook ${file}: ${loadErrorMessage(e)}\n(${hint})`);
  }
  const pb = mod.default as Playbook | undefined;
  if (!pb || pb.kind !== 'playbook') {
    throw new CliError(`${file} must export a playbook as its default export: export default playbook('name', [...])`);
  }
  return pb;
}

function loadErrorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // the bundler's errors are already file:line:col lines, one per problem
  if (/^[^\s:]+:\d+:\d+: /.test(e.message)) return e.message.split('\n').slice(0, 5).join('\n');
  // esbuild (through tsx) reports syntax errors with file:line:col in the message
  const at = /\((\/[^)]+:\d+:\d+)\)/.exec(e.stack ?? '')?.[1];
  return e.message.split('\n')[0] + (at && !e.message.includes(at) ? ` (at ${at})` : '');
}

export async function loadInventories(sources: string[] | undefined, vault?: VaultKeyring): Promise<Inventory> {
  if (!sources?.length) {
    for (const guess of ['inventory/hosts.ini', 'inventory/inventory.ini', 'hosts.ini']) {
      if (existsSync(guess)) return loadInventory([guess], { vault });
    }
    throw new CliError('no inventory given: use -i inventory/prod.ini (or a comma list "host1,host2,")');
  }
  return loadInventory(sources, { vault });
}
