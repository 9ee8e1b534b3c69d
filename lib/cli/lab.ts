import { defaultStateDir, labDown, labHostsFromInventory, labStatus, labUp, readState, wantsKubeRepo, type LabHostStatus } from '../lab/index.js';
import { registeredLabs } from '../lab/registry.js';
import { selectHosts } from '../inventory/index.js';
import { CliError, parse } from './args.js';
import { loadInventories } from './load.js';
import { VAULT_OPTIONS, vaultKeyring } from './vault-options.js';

const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  'state-dir': { type: 'string' },
  limit: { type: 'string', short: 'l' },
  // the lab's inventory may be the run's, vaulted group_vars and all
  ...VAULT_OPTIONS,
} as const;

/** `tsplay lab up|down|status -i INV`: real test hosts (own root fs, hostname, sshd) on loopback. */
export async function cmdLab(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  const action = positionals[0];
  if (!['up', 'down', 'status'].includes(action ?? '')) throw new CliError('usage: tsplay lab up|down|status -i INVENTORY [--limit PATTERN] [--state-dir DIR]  (lab status alone lists every lab up)');
  const invPath = o.inventory?.[0];
  // `lab status` alone: every lab up on this machine, whatever the directory
  if (action === 'status' && !invPath && !o['state-dir']) return statusOfAll();
  if (!invPath && !(action === 'down' && o['state-dir'])) throw new CliError('tsplay lab needs the inventory of the lab: -i inventory/lab/lab.ini');
  if (o.limit !== undefined && action !== 'up') throw new CliError(`--limit works with 'lab up' only; 'lab ${action}' acts on the whole lab`);
  const stateDir = o['state-dir'] ?? defaultStateDir(invPath!);
  if (action === 'up') {
    const inv = await loadInventories(o.inventory, await vaultKeyring(o));
    const names = o.limit ? selectHosts(inv, 'all', { limit: o.limit, cwd: process.cwd() }) : undefined;
    const started = Date.now();
    const state = await labUp(labHostsFromInventory(inv, names), { stateDir, inventory: invPath, kubeRepo: wantsKubeRepo(inv) });
    for (const h of state.hosts) process.stdout.write(`up: ${h.name} ${h.address}:${h.port} (pid ${h.pid})\n`);
    process.stdout.write(`lab of ${state.hosts.length} hosts ready in ${((Date.now() - started) / 1000).toFixed(1)} s; state in ${stateDir}\n`);
    process.stdout.write(`try: ssh -F ${state.sshConfig ?? `${stateDir}/ssh_config`} ${state.hosts[0]?.name ?? 'HOST'} hostname\n`);
    return 0;
  }
  if (action === 'down') {
    const had = await readState(stateDir);
    await labDown(stateDir);
    process.stdout.write(had ? `lab down: ${had.hosts.length} hosts stopped, mounts and files removed\n` : `no lab running in ${stateDir}\n`);
    return 0;
  }
  const rows = await labStatus(stateDir);
  if (!rows.length) {
    process.stdout.write(`no lab running in ${stateDir}\n`);
    return 0;
  }
  printRows(rows);
  return rows.every((r) => r.answers) ? 0 : 1;
}

function printRows(rows: LabHostStatus[]): void {
  for (const r of rows) process.stdout.write(`${r.name.padEnd(16)} ${`${r.address}:${r.port}`.padEnd(20)} pid ${String(r.pid).padEnd(8)} ${r.answers ? 'answers' : r.running ? 'running, sshd not answering' : 'down'}\n`);
}

async function statusOfAll(): Promise<number> {
  let ok = true;
  let shown = 0;
  for (const dir of await registeredLabs()) {
    const rows = await labStatus(dir).catch(() => [] as LabHostStatus[]);
    if (!rows.length) continue;
    process.stdout.write(`${shown++ ? '\n' : ''}lab in ${dir}:\n`);
    printRows(rows);
    ok &&= rows.every((r) => r.answers);
  }
  if (!shown) process.stdout.write("no lab is up on this machine (start one: tsplay lab up -i inventory/lab/lab.ini)\n");
  return ok ? 0 : 1;
}
