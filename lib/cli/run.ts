import { createInterface } from 'node:readline/promises';
import { dirname, basename, extname, join } from 'node:path';
import { ConnectionPool, parseConnectionType, type ConnectionType } from '../connection/factory.js';
import type { HostKeyPolicy } from '../connection/ssh/knownhosts.js';
import { createReporter } from '../report/index.js';
import { parseExtraVars } from '../vars/extra.js';
import { runPlaybook } from '../executor/run.js';
import type { RunOptions } from '../executor/context.js';
import { CliError, list, parse, RUN_OPTIONS } from './args.js';
import { loadInventories, loadPlaybook } from './load.js';
import { listHosts, listTags, listTasks } from './listing.js';
import { collectSecrets } from './secrets.js';
import { isSecretName, knownSecrets, noteSecret, registerSecret } from '../util/secrets.js';
import { vaultKeyring } from './vault-options.js';

const POLICIES: HostKeyPolicy[] = ['strict', 'accept-new', 'off'];

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
  const { values: o, positionals } = parse(argv, RUN_OPTIONS);
  if (positionals.length !== 1) throw new CliError('usage: tsplay run PLAYBOOK.ts -i INVENTORY [options]; see tsplay --help');
  const file = positionals[0];
  const vault = await vaultKeyring(o);
  const inv = await loadInventories(o.inventory, vault);
  const pb = await loadPlaybook(file);
  const cwd = process.cwd();
  const extraVars = parseExtraVars(o['extra-vars'] ?? [], cwd, vault);
  // -e api_token=... is a secret from the first line of output on
  for (const [k, v] of Object.entries(extraVars)) if (isSecretName(k)) noteSecret(v);
  const forks = o.forks === undefined ? 20 : Number(o.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new CliError(`--forks ${o.forks}: give a whole number >= 1`);
  const policy = (o['host-key-checking'] ?? 'strict') as HostKeyPolicy;
  if (!POLICIES.includes(policy)) throw new CliError(`--host-key-checking ${policy}: use one of ${POLICIES.join(', ')}`);

  if (o['list-hosts']) return listHosts(pb, inv, o.limit, cwd);
  if (o['list-tasks']) return listTasks(pb, inv, o.limit, cwd);
  if (o['list-tags']) return listTags(pb);

  const stdinTTY = Boolean(process.stdin.isTTY);
  if (o.step && !stdinTTY) throw new CliError('--step asks before each task and needs a terminal');
  const opts: RunOptions = {
    check: Boolean(o.check),
    diff: Boolean(o.diff),
    forks,
    limit: o.limit,
    extraVars,
    tags: { tags: list(o.tags), skipTags: list(o['skip-tags']) },
    startAtTask: o['start-at-task'],
    step: o.step ? stepAsker() : undefined,
    forceHandlers: Boolean(o['force-handlers']),
    verbosity: o.verbose?.length ?? 0,
    become: o.become ? true : undefined,
    becomeUser: o['become-user'],
    cwd,
    retryFile: o['no-retry-file'] ? false : join(dirname(file), `${basename(file, extname(file))}.retry`),
    playbookFile: file,
  };
  for (const s of collectSecrets(inv)) registerSecret(s);
  const reporter = createReporter({
    // --step asks line by line: live redrawing would overwrite its questions
    mode: o.json ? 'json' : o.step ? 'plain' : 'auto',
    diff: opts.diff,
    verbosity: o.verbose?.length ?? 0,
    color: o['no-color'] ? false : undefined,
    secrets: knownSecrets(),
  });
  if (policy === 'off') reporter.emit({ type: 'warning', message: 'host key checking is OFF (--host-key-checking off): any machine answering on these addresses is trusted' });
  const pool = new ConnectionPool({
    knownHostsFile: o['known-hosts'],
    hostKeyChecking: policy,
    privateKeyFile: o['private-key'] ?? o['key-file'],
    user: o.user,
    connection: cliConnection(o.connection),
    connectTimeoutMs: o.timeout ? Number(o.timeout) * 1000 : undefined,
  });
  // Ctrl-C: give the terminal back, end what runs on the hosts, close every connection, exit like
  // ansible-playbook (99)
  const onInterrupt = (): void => {
    reporter.emit({ type: 'warning', message: 'User interrupted execution' });
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

/** `-c TYPE`, checked before anything connects. */
function cliConnection(c: string | undefined): ConnectionType | undefined {
  try {
    return parseConnectionType(c, '-c');
  } catch {
    throw new CliError(`-c ${String(c)}: unknown connection type; use -c ssh or -c local`);
  }
}
