// Whether someone can answer a prompt: upgrade_node_confirm and upgrade_node_post_upgrade_confirm
// ask before each node, and pause (as Ansible's) does not wait for an answer when tsplay's stdin or
// stdout is not a terminal (CI, a pipe, nohup). Asked once on the controller, before anything is
// touched, so a run that could never be confirmed is refused up front instead of after the first
// node was drained.
import { defineModule, ModuleFailure, type ModuleResult } from '../../lib/index.js';

export interface TerminalCheckArgs {
  /** the variables that want an answer, by name, for the message */
  wanted_by: string[];
}

export interface TerminalCheckResult extends ModuleResult {
  interactive: boolean;
}

export const controller_terminal = defineModule<TerminalCheckArgs, TerminalCheckResult>({
  name: 'controller_terminal',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['wanted_by'],
    properties: { wanted_by: { type: 'array', items: { type: 'string' } } },
  },
  once: true,
  run(args) {
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!interactive && args.wanted_by.length) {
      throw new ModuleFailure(
        `upgrade preflight: nothing was changed. ${args.wanted_by.join(' and ')} ${args.wanted_by.length > 1 ? 'ask' : 'asks'} before each node and needs ` +
          `someone to type yes, but tsplay's ${process.stdin.isTTY ? 'stdout' : 'stdin'} is not a terminal (CI, a pipe, nohup), so nobody could answer. ` +
          'Run from a terminal (ssh -t, tmux, screen), or use upgrade_node_pause_seconds / upgrade_node_post_upgrade_pause_seconds for an unattended pause instead.',
        { interactive },
      );
    }
    return Promise.resolve({ changed: false, interactive });
  },
});
