import type { BlockNode, Condition, Node, TaskNode, TaskOptions } from '../dsl/types.js';
import { mapLimit } from '../util/limit.js';
import { batchSizes } from './batches.js';
import type { PlayContext } from './context.js';
import { state } from './context.js';
import { flushHandlers } from './handlers.js';
import { shouldRun } from './tags.js';
import type { HostOutcome, Inherited } from './task.js';
import { runTaskOnHost } from './task.js';
import { taskLevelOptions } from './tasklevel.js';

// The linear strategy: each task runs on every live host of the batch at once (bounded by
// --forks and the task's throttle) before the next task starts.

/** Failures inside a block are held here until its rescue decides what they become. */
export interface Scope {
  failed: Set<string>;
  /** inside a block: a failed host leaves the block, and the block decides its fate */
  holds: boolean;
  /** an enclosing block has a rescue: a failure here is counted as rescued, not failed */
  rescuable: boolean;
}

export const TOP: () => Scope = () => ({ failed: new Set(), holds: false, rescuable: false });

function live(pc: PlayContext, hosts: string[], scope: Scope): string[] {
  return hosts.filter((h) => state(pc.run, h).active && !scope.failed.has(h));
}

export async function runNodes(pc: PlayContext, nodes: Node[], hosts: string[], inh: Inherited, scope: Scope): Promise<void> {
  for (const node of nodes) {
    if (pc.aborted || pc.run.stopped) return;
    const targets = live(pc, hosts, scope);
    if (!targets.length) return;
    if (node.kind === 'task') await runTask(pc, node, targets, inh, scope);
    else if (node.kind === 'block') await runBlock(pc, node, targets, inh, scope);
    else await flushHandlers(pc, targets);
  }
}

/** What the tasks inside a block (or a role entry's handlers) inherit from it. */
export function inherit(inh: Inherited, opts: TaskOptions): Inherited {
  const when = opts.when === undefined ? [] : ((Array.isArray(opts.when) ? opts.when : [opts.when]) as Condition[]);
  // a loop's options belong to the task that loops
  const { when: _w, vars: _v, tags: _t, loop: _l, loopControl: _lc, register: _r, notify: _n, environment, ...rest } = opts;
  return {
    when: [...inh.when, ...when],
    vars: opts.vars ? [...inh.vars, opts.vars] : inh.vars,
    tags: [...inh.tags, ...(opts.tags ?? [])],
    env: environment === undefined ? inh.env : [...inh.env, environment],
    opts: { ...inh.opts, ...rest },
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

export { globToRegExp };

async function runBlock(pc: PlayContext, node: BlockNode, hosts: string[], inh: Inherited, scope: Scope): Promise<void> {
  if (node.serial === undefined) return runBlockOn(pc, node, hosts, inh, scope);
  // group sizes as a play's serial cuts batches, of the hosts that reached the block
  const sizes = batchSizes(node.serial, hosts.length);
  // one group of hosts through the whole block before the next starts: the others run nothing
  // meanwhile, so their registered results and facts are never overwritten by skips
  let at = 0;
  for (const n of sizes) {
    if (pc.aborted || pc.run.stopped) return;
    const group = live(pc, hosts.slice(at, at + n), scope);
    at += n;
    if (group.length) await runBlockOn(pc, node, group, inh, scope);
  }
}

async function runBlockOn(pc: PlayContext, node: BlockNode, hosts: string[], inh: Inherited, scope: Scope): Promise<void> {
  const inner = inherit(inh, node.opts);
  const blockScope: Scope = { failed: new Set(), holds: true, rescuable: node.rescue.length > 0 || scope.rescuable };
  await runNodes(pc, node.block, hosts, inner, blockScope);
  let failed = [...blockScope.failed];
  if (node.rescue.length && failed.length) {
    const rescueScope: Scope = { failed: new Set(), holds: true, rescuable: scope.rescuable };
    await runNodes(pc, node.rescue, failed, inner, rescueScope);
    failed = failed.filter((h) => rescueScope.failed.has(h) || !state(pc.run, h).active);
  }
  if (node.always.length) {
    const alwaysScope: Scope = { failed: new Set(), holds: true, rescuable: scope.rescuable };
    await runNodes(pc, node.always, hosts.filter((h) => state(pc.run, h).active), inner, alwaysScope);
    failed = [...new Set([...failed, ...alwaysScope.failed])];
  }
  for (const h of failed) fail(pc, h, scope);
}

function fail(pc: PlayContext, host: string, scope: Scope): void {
  if (scope.holds) scope.failed.add(host);
  else state(pc.run, host).failed = true;
}

export async function runTask(pc: PlayContext, node: TaskNode, hosts: string[], inh: Inherited, scope: Scope, handler = false): Promise<void> {
  const run = pc.run;
  const eff = inherit(inh, node.opts);
  const opts: TaskOptions = { ...eff.opts, when: node.opts.when, vars: node.opts.vars, tags: eff.tags, loop: node.opts.loop, loopControl: node.opts.loopControl, register: node.opts.register, notify: node.opts.notify };
  if (!handler) {
    const roleTags = pc.play.tags ?? [];
    if (!shouldRun([...eff.tags, ...roleTags], run.opts.tags)) return;
    if (run.startAt) {
      if (!run.startAt.test(node.name)) return;
      run.startAt = undefined;
    }
    if (run.opts.step && !run.stepContinue) {
      const answer = await run.opts.step(node.name);
      if (answer === 'no') return;
      if (answer === 'continue') run.stepContinue = true;
    }
  }
  // conditions and vars of the blocks and the task, worked out once for every host; the blocks' own options
  const perHost: Inherited = { ...eff, opts: inh.opts };
  run.reporter.emit({ type: 'task_start', play: pc.playName, task: node.name, role: node.role?.name, hosts, handler: handler || undefined });
  let targets = hosts;
  pc.activeHosts = pc.hosts.filter((h) => state(run, h).active);
  let outcomes: HostOutcome[];
  const level = taskLevelOptions(pc, node, hosts[0], eff, opts);
  if ('error' in level) {
    opts.runOnce = false;
    // runOnce / throttle could not be read: the task cannot run anywhere, and says why on each host
    outcomes = hosts.map((h) => {
      const result = { changed: false, failed: true, msg: level.error };
      run.reporter.emit({ type: 'host_result', task: node.name, role: node.role?.name, host: h, status: 'failed', changed: false, msg: level.error, durationMs: 0, result });
      state(run, h).results.set(node.id, result);
      return { status: 'failed', result };
    });
  } else {
    opts.runOnce = level.runOnce || Boolean(node.call.module.once);
    opts.throttle = level.throttle;
    if (opts.runOnce) targets = hosts.slice(0, 1);
    const limit = Math.min(run.opts.forks, level.throttle && level.throttle > 0 ? level.throttle : Infinity);
    outcomes = await mapLimit(targets, limit, (h) => runTaskOnHost(pc, node, h, perHost, opts));
  }
  const byHost = new Map<string, HostOutcome>(targets.map((h, i) => [h, outcomes[i]]));
  if (opts.runOnce && outcomes[0]) {
    // Ansible gives the one result to every host of the batch, but only the host that ran it is
    // notified: its handlers run there alone (ansible-core 2.14, test/executor/semantics-ansible)
    for (const h of hosts.slice(1)) {
      const st = state(run, h);
      st.results.set(node.id, outcomes[0].result);
      if (opts.register) st.registered[opts.register] = outcomes[0].result;
      byHost.set(h, outcomes[0]);
    }
  }
  for (const [h, o] of byHost) {
    const st = state(run, h);
    // as in Ansible, a failure that a rescue catches counts as rescued the moment it happens,
    // whatever the rescue or the rest of the play do afterwards
    const status = o.status === 'failed' && scope.rescuable ? 'rescued' : o.status;
    if (!(opts.runOnce && h !== targets[0])) st.count(status, Boolean(o.result.changed));
    if (o.status === 'unreachable') st.unreachable = true;
    if (o.status === 'failed') {
      st.registered.ansible_failed_task = { name: node.name, role: node.role?.name };
      st.registered.ansible_failed_result = o.result;
      fail(pc, h, scope);
    }
  }
  run.reporter.emit({ type: 'task_end', task: node.name });
  const batch = pc.batch;
  const failedNow = [...byHost].filter(([, o]) => o.status === 'failed' || o.status === 'unreachable').map(([h]) => h);
  if (opts.runOnce && outcomes[0] && (outcomes[0].status === 'failed' || outcomes[0].status === 'unreachable') && !scope.rescuable) {
    for (const h of batch) state(run, h).failed = true;
    pc.aborted = `run-once task '${node.name}' failed on ${targets[0]}`;
    return;
  }
  if (pc.options.anyErrorsFatal && failedNow.length && !scope.rescuable) {
    for (const h of batch) state(run, h).failed = true;
    run.brokePlay = true;
    pc.aborted = `anyErrorsFatal: task '${node.name}' failed on ${failedNow.join(', ')}`;
    return;
  }
  const maxFail = pc.options.maxFailPercentage;
  if (maxFail !== undefined && batch.length) {
    // failed hosts only: ansible-playbook 2.14 leaves unreachable ones out of this sum (a batch
    // that is entirely unreachable still ends the play, at the batch's end)
    const down = batch.filter((h) => state(run, h).failed).length;
    if ((down / batch.length) * 100 > maxFail) {
      run.brokePlay = true;
      pc.aborted = `maxFailPercentage ${maxFail}% exceeded: ${down} of ${batch.length} hosts of the batch failed`;
    }
  }
}
