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
  try {
    mod = await settledImport(abs, file);
  } catch (e) {
    if (e instanceof CliError) throw e;
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

/**
 * The user's module, or an error when its top-level await can never settle: Node would otherwise
 * exit quietly with code 13 once nothing else is left to run ('beforeExit' fires exactly then).
 */
export async function settledImport(abs: string, file: string): Promise<{ default?: unknown }> {
  let stuck: (() => void) | undefined;
  const never = new Promise<never>((_, reject) => {
    stuck = () => reject(new CliError(`${file} never finished loading: a top-level await in it (or in a module it imports) never settles; nothing was run`));
  });
  const onBeforeExit = (): void => stuck?.();
  process.on('beforeExit', onBeforeExit);
  try {
    return await Promise.race([importUserModule(abs), never]);
  } finally {
    process.off('beforeExit', onBeforeExit);
  }
}

/**
 * Several playbooks make one run, as `ansible-playbook a.yml b.yml` does: their plays in order,
 * one recap. They must share a directory: relative files and playbook_dir are looked up there.
 */
export async function loadPlaybooks(files: string[]): Promise<Playbook> {
  const pbs: Playbook[] = [];
  for (const f of files) pbs.push(await loadPlaybook(f));
  if (pbs.length === 1) return pbs[0];
  const other = pbs.findIndex((p) => p.dir !== pbs[0].dir);
  if (other >= 0) {
    throw new CliError(`${files[other]} is in another directory than ${files[0]}; playbooks run together must share one (files and playbook_dir are looked up there): run them one after the other`);
  }
  return { ...pbs[0], name: pbs.map((p) => p.name).join(' + '), plays: pbs.flatMap((p) => p.plays) };
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
    throw new CliError('no inventory given: use -i inventory/lab/lab.ini for the local lab (sudo tsplay lab up -i inventory/lab/lab.ini starts it), -i with your own inventory, or a comma list "host1,host2,"');
  }
  return loadInventory(sources, { vault });
}

/** Ansible's `[WARNING]: ` lines, for commands that print no run (inventory, template, --list-*). */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`[WARNING]: ${w}\n`);
}
