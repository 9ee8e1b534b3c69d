import { createInterface } from 'node:readline/promises';
import { ConnectionPool } from '../connection/factory.js';
import { createReporter } from '../report/index.js';
import { runPlaybook } from '../executor/run.js';
import { validatePlaybook } from '../executor/preflight.js';
import type { Playbook, Vars } from '../dsl/types.js';
import type { Inventory } from '../inventory/index.js';
import type { RunOptions } from '../executor/context.js';
import { CliError } from './args.js';
import { planRun, runVaultOptions } from './runplan.js';
import { loadInventories, loadPlaybooks, printWarnings } from './load.js';
import { listHosts, listTags, listTasks, runnableTaskNames } from './listing.js';
import { globToRegExp } from '../executor/nodes.js';
import { collectSecrets } from './secrets.js';
import { isSecretName, knownSecrets, noteSecret, registerSecret } from '../util/secrets.js';
import { vaultKeyring } from './vault-options.js';
import { askPasswords } from './passwords.js';
import { loadAnsibleConfig } from './ansiblecfg.js';
import { VerbosePool } from './verbose-pool.js';

export async function cmdRun(argv: string[]): Promise<number> {
  // Ctrl-C while the playbook and inventory load: nothing has reached a host yet
  const early = (): void => {
    process.stderr.write('User interrupted execution\n');
    process.exit(99);
  };
  process.once('SIGINT', early);
  try {
    return await runCommand(argv, early);
  } finally {
    process.off('SIGINT', early);
  }
}

async function runCommand(argv: string[], early: () => void): Promise<number> {
  const cwd = process.cwd();
  const vault = await vaultKeyring(runVaultOptions(argv));
  const plan = planRun(argv, cwd, vault, loadAnsibleConfig(cwd));
  const file = plan.playbook;
  const inv = await loadInventories(plan.inventory, vault);
  if (plan.action === 'run') await askPasswords(plan, inv);
  // Ansible's ansible_ssh_args var beats its ssh_args setting: the lowest vars of 'all'
  const all = inv.groups.get('all');
  if (plan.sshArgs !== undefined && all && !('ansible_ssh_args' in all.vars)) all.vars.ansible_ssh_args = plan.sshArgs;
  const pb = await loadPlaybooks(plan.playbooks);
  // -e api_token=... is a secret from the first line of output on
  for (const [k, v] of Object.entries(plan.opts.extraVars)) if (isSecretName(k)) noteSecret(v);

  const warnings = [...plan.warnings, ...inv.warnings];
  if (plan.action !== 'run') printWarnings(warnings);
  switch (plan.action) {
    case 'syntax-check':
      return syntaxCheck(pb, inv, plan.playbooks, cwd, plan.opts.extraVars);
    case 'list-hosts':
      return listHosts(pb, inv, plan.opts.limit, cwd, plan.opts.extraVars);
    case 'list-tasks':
      return listTasks(pb, inv, plan.opts.limit, cwd, plan.opts.tags, plan.opts.extraVars);
    case 'list-tags':
      return listTags(pb);
    case 'run':
      break;
  }

  // ansible-playbook prints "No matching task" after running nothing, and exits 0; a run that
  // silently does nothing is worse, so it stops here, before anything connects
  const startAt = plan.opts.startAtTask;
  if (startAt !== undefined && !runnableTaskNames(pb, plan.opts.tags).some((n) => globToRegExp(startAt).test(n))) {
    throw new CliError(`--start-at-task '${startAt}': no task of ${plan.playbooks.join(', ')} matches${plan.opts.tags.tags.length || plan.opts.tags.skipTags.length ? ' (after --tags/--skip-tags)' : ''}; tsplay run ${file} --list-tasks shows their names`);
  }
  if (plan.step && !process.stdin.isTTY) throw new CliError('--step asks before each task and needs a terminal');
  const opts: RunOptions = { ...plan.opts, step: plan.step ? stepAsker() : undefined };
  for (const s of collectSecrets(inv)) registerSecret(s);
  const output = createReporter({ ...plan.reporter, secrets: knownSecrets(), profile: true });
  // once Ctrl-C is pressed the connections are being closed on purpose: the hosts' results that
  // follow (every host "UNREACHABLE") are not news, so nothing after the interrupt notice shows
  let interrupted = false;
  const reporter: typeof output = { emit: (ev) => (interrupted ? undefined : output.emit(ev)), close: () => output.close() };
  for (const message of warnings) reporter.emit({ type: 'warning', message });
  if (plan.connections.hostKeyChecking === 'off') reporter.emit({ type: 'warning', message: 'host key checking is OFF (--host-key-checking off): any machine answering on these addresses is trusted' });
  const pool = plan.reporter.verbosity >= 3 ? new VerbosePool(plan.connections, reporter, plan.reporter.verbosity) : new ConnectionPool(plan.connections);
  // Ctrl-C: give the terminal back, end what runs on the hosts, close every connection, exit like
  // ansible-playbook (99)
  const onInterrupt = (): void => {
    reporter.emit({ type: 'warning', message: 'User interrupted execution: the run stopped here; hosts may be part-way through the task above' });
    interrupted = true;
    void Promise.allSettled([reporter.close(), pool.closeAll(true)]).then(() => process.exit(99));
  };
  process.off('SIGINT', early);
  process.once('SIGINT', onInterrupt);
  try {
    const summary = await runPlaybook(pb, inv, opts, reporter, pool);
    return summary.exitCode;
  } finally {
    process.off('SIGINT', onInterrupt);
    await reporter.close();
  }
}

/**
 * ansible-playbook's --syntax-check: the playbook, its roles and everything the preflight can
 * know wrong, checked; `playbook: FILE` printed; nothing connected, run or written.
 */
function syntaxCheck(pb: Playbook, inv: Inventory, files: string[], cwd: string, extraVars: Vars): number {
  validatePlaybook(pb, { inv, opts: { cwd, extraVars } });
  process.stdout.write(files.map((f) => `\nplaybook: ${f}\n`).join(''));
  return 0;
}

/** One readline for the whole run: answers typed ahead are kept for the next question. */
function stepAsker(): (task: string) => Promise<'yes' | 'no' | 'continue'> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: ((l: string | undefined) => void)[] = [];
  let ended = false;
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    ended = true;
    while (waiting.length) waiting.shift()!(undefined);
  });
  const next = (): Promise<string | undefined> =>
    lines.length ? Promise.resolve(lines.shift()) : ended ? Promise.resolve(undefined) : new Promise((r) => waiting.push(r));
  return async (task) => {
    for (;;) {
      process.stdout.write(`Perform task: ${task} (N)o/(y)es/(c)ontinue: `);
      const line = await next();
      if (line === undefined) {
        rl.close();
        throw new CliError('--step: the terminal closed before an answer; stopping');
      }
      const a = line.trim().toLowerCase();
      if (a === 'y' || a === 'yes') return 'yes';
      if (a === 'c' || a === 'continue') {
        rl.close();
        return 'continue';
      }
      if (a === '' || a === 'n' || a === 'no') return 'no';
    }
  };
}
