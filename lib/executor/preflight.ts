import { userFrame } from '../util/userframe.js';
import type { Playbook, RoleInstance } from '../dsl/types.js';
import type { RunContext } from './context.js';
import { topicsOf } from './handlers.js';
import { badOrder, HOST_ORDERS } from './order.js';
import { allNodes, compilePlay, optionsOf, playName, roleOf } from './play.js';
import { selectHosts } from '../inventory/index.js';
import { UserError } from '../util/errors.js';
import { unknownRoleKeys } from './rolekeys.js';
import { wholeNumber } from './optionvalues.js';
import { roleChain } from './vars.js';

// Everything that can be known wrong before a host is touched is reported here (exit 1).
export class PlaybookError extends UserError {}

/** What validatePlaybook needs of a run: the inventory and the directory paths are relative to. */
export type PreflightContext = { inv: RunContext['inv']; opts: Pick<RunContext['opts'], 'cwd'> & { extraVars?: RunContext['opts']['extraVars'] } };

export function validatePlaybook(pb: Playbook, run: PreflightContext): void {
  const problems: string[] = [];
  pb.plays.forEach((play, i) => {
    for (const ref of play.roles ?? []) for (const role of roleChain(roleOf(ref))) problems.push(...unknownRoleKeys(role));
    const name = `play '${playName(play, i)}'`;
    let options;
    try {
      options = optionsOf({ inv: run.inv, playbook: pb, opts: run.opts }, play);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (options) {
      try {
        selectHosts(run.inv, options.hosts, { cwd: run.opts.cwd });
      } catch (e) {
        problems.push(`${name}: hosts '${options.hosts}': ${(e as Error).message}`);
      }
    }
    if (play.order !== undefined && !HOST_ORDERS.includes(play.order)) {
      problems.push(`${name}: ${badOrder(play.order)}`);
    }
    let compiled;
    try {
      compiled = compilePlay(play);
    } catch (e) {
      const at = userFrame(e); // the playbook's or role's own line that threw
      problems.push(`${name}: building its tasks failed${at ? ` at ${at}` : ''}: ${(e as Error).message}`);
      return;
    }
    for (const node of [...compiled.pre, ...compiled.main, ...compiled.post, ...compiled.handlers].flatMap((n) => allNodes([n]))) {
      // options written as literals can be checked now; those from variables are checked per host
      for (const key of ['retries', 'delay', 'throttle'] as const) {
        const given = node.opts[key];
        if (typeof given !== 'number') continue;
        try {
          wholeNumber(given);
        } catch (e) {
          problems.push(`${('source' in node && node.source) || name}: ${node.kind} '${node.name}': option ${key}: ${(e as Error).message}`);
        }
      }
      if (node.kind === 'block' && node.serial !== undefined && !blockSerialOk(node.serial)) {
        problems.push(`${node.source ?? name}: block '${node.name}': serial ${JSON.stringify(node.serial)} must be a whole number >= 1 or "N%" with N > 0, or a non-empty list of them (hosts that go through the block together)`);
      }
    }
    const topics = new Set(compiled.handlers.flatMap(topicsOf));
    for (const node of [...compiled.pre, ...compiled.main, ...compiled.post, ...compiled.handlers].flatMap((n) => allNodes([n]))) {
      if (node.kind !== 'task' || !node.opts.notify) continue;
      for (const n of [node.opts.notify].flat()) {
        if (!topics.has(n)) problems.push(`${node.source ?? name}: task '${node.name}' notifies '${n}', but no handler of the play has that name or listens to it`);
      }
    }
  });
  // a role used by several plays would report the same key once per play
  if (problems.length) throw new PlaybookError([...new Set(problems)].join('\n'));
}

/** A block's serial: sizes of at least one host (0 would mean "all" for a play, which a block has no use for). */
function blockSerialOk(serial: unknown): boolean {
  const one = (x: unknown): boolean => (typeof x === 'number' ? Number.isInteger(x) && x >= 1 : typeof x === 'string' && /^\d+(\.\d+)?%$/.test(x) && parseFloat(x) > 0);
  return Array.isArray(serial) ? serial.length > 0 && serial.every(one) : one(serial);
}
