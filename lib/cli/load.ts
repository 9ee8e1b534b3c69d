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
  if (/\.(ya?ml|json)$/i.test(file)) {
    throw new CliError(`${file} is a YAML playbook; tsplay playbooks are TypeScript modules: ` +
      `'tsplay new playbook NAME' writes playbooks/NAME.ts to start from (README "Writing a playbook"), ` +
      `then 'tsplay check playbooks/NAME.ts' and 'tsplay run playbooks/NAME.ts -i INVENTORY'`);
  }
  let mod: { default?: unknown };
  // a top-level await that never settles would end the process with code 13 and no word
  let loading = true;
  const onExit = (): void => {
    if (loading && process.exitCode === 13) {
      process.stderr.write(`ERROR: ${file} never finished loading: a top-level await in it (or in a module it imports) never settles\n`);
      process.exitCode = 1;
    }
  };
  process.once('exit', onExit);
  try {
    mod = await importUserModule(abs);
  } catch (e) {
    const hint = /require\(\) ES Module|ERR_REQUIRE/.test(String((e as Error).message))
      ? `a .ts file outside a package whose package.json says "type": "module" loads as CommonJS; keep playbooks in the project or name the file .mts`
      : `run 'tsplay check ${file}' for type errors`;
    throw new CliError(`cannot load playbook ${file}: ${loadErrorMessage(e)}\n(${hint})`);
  } finally {
    loading = false;
    process.removeListener('exit', onExit);
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
    // the local lab, never a real cluster, is the one to suggest to a newcomer
    throw new CliError('no inventory given: use -i inventory/lab.ini for the local lab (sudo tsplay lab up -i inventory/lab.ini starts it), -i with your own inventory, or a comma list "host1,host2,"');
  }
  return loadInventory(sources, { vault });
}

/** Ansible's `[WARNING]: ` lines, for commands that print no run (inventory, template, --list-*). */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`[WARNING]: ${w}\n`);
}
