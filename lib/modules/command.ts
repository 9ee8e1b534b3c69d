import { shJoin } from '../util/shell.js';
import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import type { CommandCommonArgs, CommandResult } from './common/command.js';
import { commandCommonSchema, runCommand, splitArgs } from './common/command.js';

// command: run a program with arguments, no shell features (pipes, redirects, $VARS are passed
// as literal arguments). `command('etcdctl endpoint health')` or `command({ argv: [...] })`.

export interface CommandOptions extends CommandCommonArgs {
  /** the command line, split like a shell would split words (quotes respected, nothing expanded) */
  cmd?: string;
  /** the argv, used as is */
  argv?: string[];
}

export type CommandArgs = string | CommandOptions;
export type { CommandResult };

export const commandSchema = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      properties: {
        cmd: { type: 'string', minLength: 1 },
        argv: { type: 'array', items: { type: 'string' }, minItems: 1 },
        ...commandCommonSchema,
      },
      additionalProperties: false,
    },
  ],
} as const;

async function run(input: CommandArgs, ctx: ModuleContext): Promise<CommandResult> {
  const args: CommandOptions = typeof input === 'string' ? { cmd: input } : input;
  if (args.cmd !== undefined && args.argv !== undefined) throw new ModuleFailure('command: give cmd or argv, not both');
  const argv = args.argv ?? splitArgs(args.cmd ?? '');
  if (argv.length === 0) throw new ModuleFailure('command: no command given (set cmd or argv)');
  return runCommand(ctx, args, shJoin(argv, 'a command argument'), argv);
}

export const command = defineModule<CommandArgs, CommandResult>({ name: 'command', schema: commandSchema, run });
