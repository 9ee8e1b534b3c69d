import type { HandlerNode } from '../dsl/types.js';
import type { PlayContext } from './context.js';
import { state } from './context.js';
import { inherit, runTask, TOP } from './nodes.js';

/** What a notify may name to reach the handler: its name, its listen topics, `role : name`. */
export function topicsOf(h: HandlerNode): string[] {
  return [h.name, ...h.listen, ...(h.role ? [`${h.role.name} : ${h.name}`] : [])];
}

function answers(h: HandlerNode, topic: string): boolean {
  return topicsOf(h).includes(topic);
}

/**
 * Run notified handlers, once per host, in definition order (not notification order). A handler
 * may notify a later one in the same flush. A failed host runs none (its notifications are never
 * flushed: it stays failed for the rest of the run) unless --force-handlers.
 */
export async function flushHandlers(pc: PlayContext, hosts: string[]): Promise<void> {
  const run = pc.run;
  const ran = new Map<string, Set<HandlerNode>>(hosts.map((h) => [h, new Set()]));
  for (const handler of pc.handlers) {
    if (pc.aborted || run.stopped) break;
    const targets = hosts.filter((h) => {
      const st = state(run, h);
      return (st.active || (run.opts.forceHandlers && !st.unreachable)) && [...st.notified].some((n) => answers(handler, n));
    });
    if (!targets.length) continue;
    targets.forEach((h) => ran.get(h)?.add(handler));
    const wasFailed = new Map(targets.map((h) => [h, state(run, h).failed]));
    for (const h of targets) state(run, h).failed = false; // --force-handlers: let them run
    try {
      await runTask(pc, handler, targets, handler.entry ? inherit(pc.root, handler.entry) : pc.root, TOP(), true);
    } finally {
      for (const h of targets) if (wasFailed.get(h)) state(run, h).failed = true;
    }
  }
  // a topic is done once every handler answering it ran; one notified too late stays for the next flush
  for (const h of hosts) {
    const st = state(run, h);
    for (const topic of [...st.notified]) {
      if (pc.handlers.filter((x) => answers(x, topic)).every((x) => ran.get(h)?.has(x))) st.notified.delete(topic);
    }
  }
}
