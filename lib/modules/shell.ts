import { shq } from '../util/shell.js';
import type { ModuleContext } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import type { CommandCommonArgs, CommandResult } from './common/command.js';
import { commandCommonSchema, runCommand } from './common/command.js';

// shell: run a script through /bin/sh -c (or `executable`), with pipes, redirects and variables.

export interface ShellOptions extends CommandCommonArgs {
  cmd: string;
  /** shell to run the script with (default /bin/sh) */
  executable?: string;
}

export type ShellArgs = string | ShellOptions;
export type ShellResult = CommandResult;

export const shellSchema = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      properties: {
        cmd: { type: 'string', minLength: 1 },
        executable: { type: 'string', minLength: 1 },
        ...commandCommonSchema,
      },
      required: ['cmd'],
      additionalProperties: false,
    },
  ],
} as const;

async function run(input: ShellArgs, ctx: ModuleContext): Promise<ShellResult> {
  const args: ShellOptions = typeof input === 'string' ? { cmd: input } : input;
  if (args.cmd.trim() === '') throw new ModuleFailure('shell: no command given (set cmd)');
  const sh = args.executable ?? '/bin/sh';
  return runCommand(ctx, args, `${shq(sh)} -c ${shq(args.cmd)}`, args.cmd);
}

export const shell = defineModule<ShellArgs, ShellResult>({ name: 'shell', schema: shellSchema, run });
