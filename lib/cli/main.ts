import { CliError } from './args.js';
import { COMMAND_HELP, HELP } from './help.js';
import { explain } from './errors.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).cmdRun,
  check: async () => (await import('./check.js')).cmdCheck,
  inventory: async () => (await import('./inventory.js')).cmdInventory,
  template: async () => (await import('./template.js')).cmdTemplate,
  new: async () => (await import('./newrole.js')).cmdNew,
  lab: async () => (await import('./lab.js')).cmdLab,
  vault: async () => (await import('./vault.js')).cmdVault,
  report: async () => (await import('./report.js')).cmdReport,
  completion: async () => (await import('./completion.js')).cmdCompletion,
};

/** The command names, for completion. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

export const VERSION = 'tsplay 0.1.0';

/** The CLI: returns the exit code; user errors print one clear message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  quietBrokenPipes();
  const [cmd, ...rest] = argv;
  if (!cmd) {
    // as ansible-playbook without a playbook: usage on stderr, and a failure for scripts
    process.stderr.write(`${HELP}\nERROR: give a command (tsplay run PLAYBOOK.ts -i INVENTORY, ...)\n`);
    return 1;
  }
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    process.stdout.write(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`${VERSION}\n  node ${process.version}\n`);
    return 0;
  }
  const load = COMMANDS[cmd];
  try {
    if (!load) throw new CliError(`unknown command '${cmd}'; commands: ${COMMAND_NAMES.join(', ')} (tsplay --help)`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(COMMAND_HELP[cmd] ?? HELP);
      return 0;
    }
    return await (await load())(rest);
  } catch (e) {
    process.stderr.write(`ERROR: ${explain(e)}\n`);
    return 1;
  }
}

/**
 * `tsplay run ... | head`: once the reader has gone, output is dropped and the run goes on to
 * its end (hosts are not left half-changed), instead of a stack trace about EPIPE.
 */
function quietBrokenPipes(): void {
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount('error') > 0) continue;
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    });
  }
}
