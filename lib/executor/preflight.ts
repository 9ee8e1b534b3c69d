import type { Playbook, RoleInstance, SerialSize } from '../dsl/types.js';
import type { RunContext } from './context.js';
import { topicsOf } from './handlers.js';
import { badOrder, HOST_ORDERS } from './order.js';
import { sizeOf } from './batches.js';
import { allNodes, compilePlay, playName } from './play.js';
import { selectHosts } from '../inventory/index.js';
import { UserError } from '../util/errors.js';
import { unknownRoleKeys } from './rolekeys.js';
import { roleChain } from './vars.js';

// Everything that can be known wrong before a host is touched is reported here (exit 1).
export class PlaybookError extends UserError {}

/** What validatePlaybook needs of a run: the inventory and the directory paths are relative to. */
export type PreflightContext = { inv: RunContext['inv']; opts: Pick<RunContext['opts'], 'cwd'> };

export function validatePlaybook(pb: Playbook, run: PreflightContext): void {
  const problems: string[] = [];
  pb.plays.forEach((play, i) => {
    for (const ref of play.roles ?? []) for (const role of roleChain(ref as RoleInstance)) problems.push(...unknownRoleKeys(role));
    const name = `play '${playName(play, i)}'`;
    if (typeof play.hosts !== 'string' || !play.hosts.trim()) problems.push(`${name}: hosts must be a non-empty pattern`);
    else {
      try {
        selectHosts(run.inv, play.hosts, { cwd: run.opts.cwd });
      } catch (e) {
        problems.push(`${name}: hosts '${play.hosts}': ${(e as Error).message}`);
      }
    }
    if (play.order !== undefined && !HOST_ORDERS.includes(play.order)) {
      problems.push(`${name}: ${badOrder(play.order)}`);
    }
    const sizes: SerialSize[] =
      play.serial === undefined ? [] : typeof play.serial === 'object' && !Array.isArray(play.serial) ? Object.values(play.serial).flat() : [play.serial].flat();
    for (const s of sizes) {
      try {
        sizeOf(s, 10);
      } catch (e) {
        problems.push(`${name}: ${(e as Error).message}`);
      }
    }
    if (play.maxFailPercentage !== undefined && !(play.maxFailPercentage >= 0 && play.maxFailPercentage <= 100)) {
      problems.push(`${name}: maxFailPercentage must be between 0 and 100`);
    }
    let compiled;
    try {
      compiled = compilePlay(play);
    } catch (e) {
      problems.push(`${name}: building its tasks failed: ${(e as Error).message}`);
      return;
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
