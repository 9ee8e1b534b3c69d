import type { ModuleCall, ModuleResult } from '../modules/types.js';
import type { SerialSize, Condition, LoopItemResult, LoopResult, LoopSource, Node, Registered, RoleInstance, SkippedItem, SkippedResult, TaskOptions, TaskRef, Vars } from './types.js';
import { callerLocation, formatLocation } from './source.js';

let nextId = 1;
export function newId(): number {
  return nextId++;
}

export interface BlockOptions<V> extends TaskOptions<ModuleResult, V> {
  rescue?: (t: TaskBuilder<V>) => void;
  always?: (t: TaskBuilder<V>) => void;
  /**
   * run the whole block (rescue and always too) for this many hosts at a time, one group after
   * the other (etcd member join, control-plane join); the other hosts wait. As a play's serial:
   * a number, `'N%'` of the hosts that reach the block (floored, at least 1), or a ramp list
   */
  serial?: SerialSize | SerialSize[];
}

/** Collects the tasks a role or play declares, in order. */
export class TaskBuilder<V = Vars> {
  readonly nodes: Node[] = [];

  constructor(private readonly role?: RoleInstance) {}

  /**
   * Add a task; the returned ref reads its typed result later: `h.result(ref).rc`. A task with a
   * loop registers `results`, one per item with `item` typed as the loop's elements; a task with
   * `when` may have been skipped, so its result must be checked (`!r.skipped`) before its fields.
   */
  task<R extends ModuleResult, I>(name: string, call: ModuleCall<R, V>, opts: TaskOptions<R, V, I> & { loop: LoopSource<I, V>; when: Condition<V> | Condition<V>[] }): TaskRef<LoopResult<LoopItemResult<R, I> | SkippedItem<I>>>;
  task<R extends ModuleResult, I>(name: string, call: ModuleCall<R, V>, opts: TaskOptions<R, V, I> & { loop: LoopSource<I, V> }): TaskRef<LoopResult<LoopItemResult<R, I>>>;
  task<R extends ModuleResult>(name: string, call: ModuleCall<R, V>, opts: TaskOptions<R, V> & { when: Condition<V> | Condition<V>[] }): TaskRef<Registered<R> | SkippedResult>;
  task<R extends ModuleResult>(name: string, call: ModuleCall<R, V>, opts?: TaskOptions<R, V>): TaskRef<Registered<R>>;
  task<R extends ModuleResult>(name: string, call: ModuleCall<R, V>, opts: TaskOptions<R, V, unknown> = {}): TaskRef<never> {
    const id = newId();
    this.nodes.push({
      kind: 'task',
      id,
      name,
      call: call as unknown as ModuleCall,
      opts: opts as TaskOptions,
      role: this.role,
      source: formatLocation(callerLocation()),
    });
    return { id, name };
  }

  /** block / rescue / always: rescue runs when a block task failed, always runs either way. */
  block(name: string, body: (t: TaskBuilder<V>) => void, opts: BlockOptions<V> = {}): void {
    const { rescue, always, serial, ...rest } = opts;
    this.nodes.push({
      kind: 'block',
      id: newId(),
      name,
      block: collectNodes(body, this.role),
      rescue: collectNodes(rescue, this.role),
      always: collectNodes(always, this.role),
      opts: rest as TaskOptions,
      ...(serial === undefined ? {} : { serial }),
      role: this.role,
      source: formatLocation(callerLocation()),
    });
  }

  /** Run notified handlers now (Ansible `meta: flush_handlers`). */
  flushHandlers(): void {
    this.nodes.push({ kind: 'flush', id: newId(), name: 'flush handlers', role: this.role, opts: {} });
  }
}

/** The nodes a task function declares (a play's tasks, a role's, a block's). */
export function collectNodes<V>(fn: ((t: TaskBuilder<V>) => void) | undefined, role?: RoleInstance): Node[] {
  if (!fn) return [];
  const b = new TaskBuilder<V>(role);
  fn(b);
  return b.nodes;
}
