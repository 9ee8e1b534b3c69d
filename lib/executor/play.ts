import type { HandlerNode, HandlerSpec, Node, Playbook, PlaySpec, RoleEntry, RoleInstance, RoleRef, TaskOptions } from '../dsl/types.js';
import { collectNodes, newId, type TaskBuilder } from '../dsl/builder.js';
import { applyLimit, selectHosts } from '../inventory/index.js';
import { UnreachableError } from '../connection/types.js';
import { mapLimit } from '../util/limit.js';
import type { PlayContext, RunContext } from './context.js';
import { state } from './context.js';
import { cutBatches } from './batches.js';
import { orderHosts } from './order.js';
import { gatherFacts } from './facts.js';
import { becomeFor } from './become.js';
import { flushHandlers } from './handlers.js';
import { runNodes, TOP } from './nodes.js';
import { ROOT_INHERITED, type Inherited } from './task.js';
import { playOptions, type PlayOptions } from './playopts.js';
import { hostLevelVars, roleChain } from './vars.js';

/** A play compiled to nodes: pre_tasks, roles (dependencies first, each once), tasks, post_tasks. */
export interface CompiledPlay {
  pre: Node[];
  main: Node[];
  post: Node[];
  handlers: HandlerNode[];
}

const roleNodes = new WeakMap<object, Node[]>();
const roleHandlers = new WeakMap<object, HandlerNode[]>();

function tasksOf(role: RoleInstance): Node[] {
  let nodes = roleNodes.get(role);
  if (!nodes) roleNodes.set(role, (nodes = collectNodes(role.spec.tasks as (t: TaskBuilder) => void, role)));
  return nodes;
}

function handlerNodes(specs: Record<string, HandlerSpec> | undefined, role?: RoleInstance): HandlerNode[] {
  return Object.entries(specs ?? {}).map(([name, spec]) => {
    const call = 'module' in spec ? spec : spec.call;
    const { listen, ...opts } = ('module' in spec ? {} : (spec.opts ?? {})) as TaskOptions & { listen?: string | string[] };
    return { kind: 'task', id: newId(), name, call, opts, role, listen: listen === undefined ? [] : [listen].flat() };
  });
}

function handlersOf(role: RoleInstance): HandlerNode[] {
  let h = roleHandlers.get(role);
  if (!h) {
    const given = role.spec.handlers;
    const specs = typeof given === 'function' ? given({ role: role.name }) : given;
    roleHandlers.set(role, (h = handlerNodes(specs as Record<string, HandlerSpec> | undefined, role)));
  }
  return h;
}

const compiledPlays = new WeakMap<PlaySpec, CompiledPlay>();

export function compilePlay(play: PlaySpec): CompiledPlay {
  const cached = compiledPlays.get(play);
  if (cached) return cached;
  const main: Node[] = [];
  const handlers: HandlerNode[] = [];
  const seen = new Set<string>();
  for (const entry of play.roles ?? []) {
    const nodes: Node[] = [];
    for (const role of roleChain(roleOf(entry))) {
      // like Ansible: a role listed twice with the same params runs once
      const key = `${role.dir}\u0000${role.name}\u0000${JSON.stringify(role.params)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      nodes.push(...tasksOf(role));
      const opts = entryOptions(entry);
      // a role's handlers get the entry's options too (Ansible: they run with the role's environment)
      handlers.push(...(opts ? handlersOf(role).map((h) => ({ ...h, id: newId(), entry: opts })) : handlersOf(role)));
    }
    main.push(...withEntryOptions(entry, nodes));
  }
  main.push(...collectNodes(play.tasks));
  handlers.push(...handlerNodes(play.handlers));
  const compiled = { pre: collectNodes(play.preTasks), main, post: collectNodes(play.postTasks), handlers };
  compiledPlays.set(play, compiled);
  return compiled;
}

/** The role a play lists, whether bare or as `{ role, when, tags, vars, environment }`. */
export function roleOf(entry: RoleRef | RoleEntry): RoleInstance {
  return ('kind' in entry ? entry : entry.role) as RoleInstance;
}

/**
 * A role listed with options: its tasks (and its dependencies') inside a block that carries them,
 * so they combine with the tasks' own as a block's do (conditions and tags add up, vars and
 * environment are overridden by the tasks').
 */
function withEntryOptions(entry: RoleRef | RoleEntry, nodes: Node[]): Node[] {
  const opts = entryOptions(entry);
  if (!opts || !nodes.length) return nodes;
  return [{ kind: 'block', id: newId(), name: `role ${roleOf(entry).name}`, block: nodes, rescue: [], always: [], opts }];
}

function entryOptions(entry: RoleRef | RoleEntry): TaskOptions | undefined {
  if ('kind' in entry) return undefined;
  const { when, tags, vars, environment } = entry;
  if (when === undefined && tags === undefined && vars === undefined && environment === undefined) return undefined;
  return { when, tags, vars, environment };
}

/** The play's name, or else its hosts (`rendered`: the pattern its Jinja or function gave, as Ansible shows it). */
export function playName(play: PlaySpec, index: number, rendered?: string): string {
  const hosts = rendered ?? (typeof play.hosts === 'function' ? '(hosts from a function)' : String(play.hosts));
  return play.name ?? `${hosts}${index ? ` #${index + 1}` : ''}`;
}

/** How errors about a play's options name it: playbook file:line, its number and name. */
export function playWhere(pb: Playbook, play: PlaySpec, index: number): string {
  return `${pb.at ? `${pb.at}: ` : ''}play #${index + 1} '${playName(play, index)}'`;
}

/** The play's options rendered for this run (play vars and -e). */
export function optionsOf(run: Pick<RunContext, 'inv' | 'playbook'> & { opts: { extraVars?: RunContext['opts']['extraVars'] } }, play: PlaySpec): PlayOptions {
  return playOptions(run.inv, play, run.opts.extraVars ?? NO_VARS, playWhere(run.playbook, play, run.playbook.plays.indexOf(play)));
}
const NO_VARS = {};

/** The play's hosts after --limit, in play order. */
export function playHosts(run: RunContext, play: PlaySpec): string[] {
  let hosts = selectHosts(run.inv, optionsOf(run, play).hosts, { cwd: run.opts.cwd });
  if (run.opts.limit) hosts = applyLimit(run.inv, hosts, run.opts.limit, run.opts.cwd);
  return orderHosts(hosts, play.order);
}

export function allNodes(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? [n, ...allNodes(n.block), ...allNodes(n.rescue), ...allNodes(n.always)] : [n]));
}

export async function runPlay(run: RunContext, play: PlaySpec, index: number): Promise<void> {
  const options = optionsOf(run, play);
  const name = playName(play, index, options.hosts);
  const matched = selectHosts(run.inv, options.hosts, { cwd: run.opts.cwd });
  const hosts = playHosts(run, play);
  if (!hosts.length) {
    run.reporter.emit({
      type: 'play_skipped',
      play: name,
      reason: matched.length ? `all of its hosts (${options.hosts}) are outside --limit ${run.opts.limit}` : `no host matches '${options.hosts}'`,
    });
    return;
  }
  const compiled = compilePlay(play);
  const batches = cutBatches(hosts, options.serial, (p) => selectHosts(run.inv, p, { cwd: run.opts.cwd }));
  run.reporter.emit({ type: 'play_start', play: name, index, hosts });
  const root: Inherited = { ...ROOT_INHERITED, env: play.environment === undefined ? [] : [play.environment] };
  const pc: PlayContext = { run, play, playName: name, hosts, batch: [], handlers: compiled.handlers, options, root };
  for (const [b, batchHosts] of batches.entries()) {
    pc.batch = batchHosts.filter((h) => state(run, h).active);
    if (!pc.batch.length) continue;
    if (batches.length > 1) run.reporter.emit({ type: 'batch_start', play: name, batch: b + 1, batches: batches.length, hosts: pc.batch });
    if (play.gatherFacts !== false) await gather(pc);
    for (const part of [compiled.pre, compiled.main, compiled.post]) {
      await runNodes(pc, part, pc.batch, root, TOP());
      if (pc.aborted || run.stopped) break;
      await flushHandlers(pc, pc.batch);
    }
    if (pc.aborted) {
      run.stopped = pc.aborted;
      break;
    }
    if (pc.batch.every((h) => !state(run, h).active)) {
      run.stopped = `every host of ${batches.length > 1 ? `batch ${b + 1}/${batches.length}` : 'the play'} failed (${pc.batch.join(', ')})`;
      break;
    }
  }
}

async function gather(pc: PlayContext): Promise<void> {
  const run = pc.run;
  const todo = pc.batch.filter((h) => !state(run, h).gathered);
  if (!todo.length) return;
  const task = 'Gathering Facts';
  run.reporter.emit({ type: 'task_start', play: pc.playName, task, hosts: todo });
  await mapLimit(todo, run.opts.forks, async (h) => {
    const st = state(run, h);
    const started = Date.now();
    try {
      const vars = hostLevelVars(run, h);
      // under the play's become, as Ansible's implicit setup: root's user_* facts and env
      st.facts = await gatherFacts(run.connections.get(h, vars), becomeFor(pc, {}, vars));
      st.gathered = true;
      st.touched = true;
      st.count('ok');
      run.reporter.emit({ type: 'host_result', task, host: h, status: 'ok', changed: false, durationMs: Date.now() - started });
    } catch (e) {
      const unreachable = e instanceof UnreachableError;
      if (unreachable) st.unreachable = true;
      else st.failed = true;
      st.count(unreachable ? 'unreachable' : 'failed');
      run.reporter.emit({ type: 'host_result', task, host: h, status: unreachable ? 'unreachable' : 'failed', changed: false, msg: (e as Error).message, durationMs: Date.now() - started });
    }
  });
  run.reporter.emit({ type: 'task_end', task });
}
