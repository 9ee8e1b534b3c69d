import { CliError } from './args.js';
import { HELP } from './help.js';
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
};

/** The CLI: returns the exit code; user errors print one clear message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version') {
    process.stdout.write('tsplay 0.1.0\n');
    return 0;
  }
  const load = COMMANDS[cmd];
  try {
    if (!load) throw new CliError(`unknown command '${cmd}'; commands: ${Object.keys(COMMANDS).join(', ')} (tsplay --help)`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(HELP);
      return 0;
    }
    return await (await load())(rest);
  } catch (e) {
    process.stderr.write(`ERROR: ${explain(e)}\n`);
    return 1;
  }
}
