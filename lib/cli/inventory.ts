import { applyLimit, hostVars, inventoryGraph, inventoryList, selectHosts } from '../inventory/index.js';
import { CliError, parse } from './args.js';
import { loadAnsibleConfig } from './ansiblecfg.js';
import { loadInventories, printWarnings } from './load.js';
import { VAULT_OPTIONS, vaultKeyring } from './vault-options.js';

const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  list: { type: 'boolean' },
  host: { type: 'string' },
  graph: { type: 'boolean' },
  vars: { type: 'boolean' },
  'list-hosts': { type: 'string' },
  limit: { type: 'string', short: 'l' },
  ...VAULT_OPTIONS,
} as const;

/** `tsplay inventory`: the same views as ansible-inventory, plus --list-hosts PATTERN. */
export async function cmdInventory(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  // a flag that would be accepted and then ignored is refused instead
  const views = [o.list && '--list', o.host !== undefined && '--host', o.graph && '--graph', o['list-hosts'] !== undefined && '--list-hosts'].filter(Boolean);
  if (views.length > 1) throw new CliError(`${views.join(' and ')}: give one of them (see tsplay --help)`);
  if (o.limit !== undefined && o['list-hosts'] === undefined) throw new CliError('--limit works with --list-hosts PATTERN only (tsplay inventory -i INV --list-hosts all --limit L)');
  if (o.vars && !o.graph) throw new CliError('--vars works with --graph only');
  const inv = await loadInventories(o.inventory ?? loadAnsibleConfig(process.cwd()).inventory, await vaultKeyring(o));
  printWarnings(inv.warnings);
  const cwd = process.cwd();
  if (o.list) {
    process.stdout.write(JSON.stringify(inventoryList(inv), null, 4) + '\n');
  } else if (o.host !== undefined) {
    if (!inv.hosts.has(o.host)) throw new CliError(`host '${o.host}' is not in the inventory`);
    process.stdout.write(JSON.stringify(hostVars(inv, o.host), null, 4) + '\n');
  } else if (o.graph) {
    process.stdout.write(inventoryGraph(inv, positionals[0], Boolean(o.vars)) + '\n');
  } else if (o['list-hosts'] !== undefined) {
    let hosts = selectHosts(inv, o['list-hosts'], { cwd });
    if (o.limit) hosts = applyLimit(inv, hosts, o.limit, cwd);
    if (o.limit && hosts.length === 0) throw new CliError(`--limit '${o.limit}' leaves no host of '${o['list-hosts']}'`);
    process.stdout.write(hosts.map((h) => `${h}\n`).join(''));
  } else {
    throw new CliError('tsplay inventory needs one of --list, --host NAME, --graph [GROUP], --list-hosts PATTERN');
  }
  return 0;
}
