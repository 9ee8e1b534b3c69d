import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../util/errors.js';
import { VAULT_OPTIONS } from './vault-options.js';

// Flags an Ansible user expects, with their short forms where ansible-playbook has them.
export const RUN_OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  limit: { type: 'string', short: 'l' },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  forks: { type: 'string', short: 'f' },
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  'start-at-task': { type: 'string' },
  step: { type: 'boolean' },
  'force-handlers': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  'list-hosts': { type: 'boolean' },
  'list-tags': { type: 'boolean' },
  'syntax-check': { type: 'boolean' },
  become: { type: 'boolean', short: 'b' },
  'become-user': { type: 'string' },
  'become-method': { type: 'string' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  'ask-pass': { type: 'boolean', short: 'k' },
  user: { type: 'string', short: 'u' },
  connection: { type: 'string', short: 'c' },
  'private-key': { type: 'string' },
  'key-file': { type: 'string' },
  'known-hosts': { type: 'string' },
  'host-key-checking': { type: 'string' },
  timeout: { type: 'string', short: 'T' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  'no-retry-file': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...VAULT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

export class CliError extends UserError {}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/^.*?: /, '')}; see tsplay --help`);
  }
}

/** Comma lists and repeated flags both work, like ansible-playbook's --tags a,b -t c. */
export function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}
