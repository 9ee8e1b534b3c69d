import type { ModuleCall, ModuleResult } from '../modules/types.js';
import type { VarSchema } from '../vars/schema.js';

export type Vars = Record<string, unknown>;

/** What a `when`, `changedWhen`, args function or default function sees of a host. */
export interface HostView<V = Vars> {
  /** inventory_hostname */
  readonly name: string;
  /** merged vars for this host: a role sees its own typed vars (a typo is a compile error) */
  readonly vars: V;
  /** every var of the host (inventory, facts, registered results), untyped */
  readonly allVars: Vars;
  /** every group and its hosts, in inventory order (Ansible's `groups`) */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** groups this host belongs to, sorted (Ansible's `group_names`) */
  readonly groupNames: readonly string[];
  /**
   * the latest result of a task on this host, or on `host` (another host's, as
   * `hostvars[host].registered`); throws if the task has not run there. Typed by the task: a
   * task with `when` may have been skipped (check `!r.skipped` first), a loop's has `results`.
   */
  result<T>(ref: TaskRef<T>, host?: string): T;
  /** another host's merged vars (Ansible's `hostvars[name]`) */
  hostvars(name: string): Vars;
}

/** Fields the executor adds to every registered result. */
export interface TaskOutcome {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  /** per-item results when the task had a loop */
  results?: (ModuleResult & { item: unknown })[];
}

/** What a task registers when its `when` was false. */
export interface SkippedResult {
  changed: false;
  skipped: true;
  skip_reason?: string;
  msg?: string;
  failed?: undefined;
}

/** What a task registers when it ran: the module's result and the executor's fields. */
export type Registered<R> = R & TaskOutcome;

/** One item's entry in a loop's `results`: the module's result and the item, typed as the loop's list. */
export type LoopItemResult<R, I> = R & TaskOutcome & { item: I; ansible_loop_var: string };

/** One item's entry when the item's `when` was false. */
export type SkippedItem<I> = SkippedResult & { item: I; ansible_loop_var: string };

/** What a task with a loop registers: one entry per item, in order. */
export interface LoopResult<T> {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  results: T[];
}

/** A loop: a list (its element type is the item's), a Jinja expression giving one, or a function. */
export type LoopSource<I, V = Vars> = readonly I[] | string | ((h: HostView<V>) => readonly I[]);

/** A condition: a Jinja expression string (as in Ansible), a boolean, or a typed function. */
export type Condition<V = Vars> = string | boolean | ((h: HostView<V>) => boolean);
export type ResultCondition<R, V = Vars> = string | boolean | ((r: R & TaskOutcome, h: HostView<V>) => boolean);

/** Ansible's loop_control: how a loop names its item and index, shows items, paces itself. */
export interface LoopControl<V = Vars, I = unknown> {
  /**
   * what an item's line shows instead of the whole item: a Jinja string rendered with the loop
   * var (`'{{ item.name }}'`) or a function; shown as `(censored)` if it holds a secret
   */
  label?: string | ((item: I, h: HostView<V>) => string);
  /** the name of the item variable (default `item`) */
  loopVar?: string;
  /** a variable holding the item's index (from 0) */
  indexVar?: string;
  /** seconds to wait between items */
  pause?: number;
}

/**
 * An option that may come from variables: a literal, a Jinja string rendered with the host's vars
 * (`'{{ drain_retries }}'`), or a typed function of the host. The rendered value is validated
 * (a bad one fails the host, naming task, host and option).
 */
export type FromVars<T, V = Vars> = T | Jinja | ((h: HostView<V>) => T);

/** Environment for a task's commands: a map (values may be Jinja), a Jinja string giving a map, or a function. */
export type Environment<V = Vars> = Readonly<Record<string, unknown>> | Jinja | ((h: HostView<V>) => Readonly<Record<string, unknown>>);

export interface TaskOptions<R extends ModuleResult = ModuleResult, V = Vars, I = unknown> {
  when?: Condition<V> | Condition<V>[];
  /** a list (the item's type is its element type), a Jinja expression that yields a list, or a function */
  loop?: LoopSource<I, V>;
  /** loop_control.loop_var (default `item`); same as `loopControl.loopVar` */
  loopVar?: string;
  /** Ansible's loop_control */
  loopControl?: LoopControl<V, I>;
  /** handler names or `listen` topics notified when this task changed */
  notify?: string | string[];
  /** evaluated on every result, a failed one too; a list must all hold */
  changedWhen?: ResultCondition<R, V> | ResultCondition<R, V>[];
  /** evaluated on every result, a module's failure too (sets `failed_when_result`); a list must all hold */
  failedWhen?: ResultCondition<R, V> | ResultCondition<R, V>[];
  ignoreErrors?: FromVars<boolean, V>;
  ignoreUnreachable?: FromVars<boolean, V>;
  tags?: string[];
  become?: boolean;
  becomeUser?: string;
  /** false: run for real even under --check (read-only commands); true: always in check mode */
  checkMode?: boolean;
  /** mask args and results in every output */
  noLog?: FromVars<boolean, V>;
  vars?: Vars;
  /** also expose the result to templates under this name (Ansible `register`) */
  register?: string;
  /** run on another host with this host's vars */
  delegateTo?: string;
  /** run on the first host of the batch only; its result is given to every host */
  runOnce?: FromVars<boolean, V>;
  /** at most this many hosts run the task at once */
  throttle?: FromVars<number, V>;
  /** retry until the condition holds */
  until?: ResultCondition<R, V>;
  retries?: FromVars<number, V>;
  /** seconds between attempts */
  delay?: FromVars<number, V>;
  /** environment variables for the task's commands, merged per key: play < role < block < task */
  environment?: Environment<V>;
  /**
   * Ansible's `async`: run the task's command detached on the host, for at most this many
   * seconds (command and shell, which run one command); 0 or absent: run it attached
   */
  async?: FromVars<number, V>;
  /** seconds between checks of an async task (default 15, as Ansible); 0: fire and forget, check later with async_status */
  poll?: FromVars<number, V>;
}

/**
 * A handle on a task, to read its result from later tasks (`h.result(ref)`). `T` is what the task
 * registers: `Registered<R>`, `Registered<R> | SkippedResult` with a `when`, `LoopResult<...>` with a loop.
 */
export interface TaskRef<T = Registered<ModuleResult>> {
  readonly id: number;
  readonly name: string;
  /** phantom: carries the result type */
  readonly __result?: T;
}

export interface TaskNode {
  kind: 'task';
  id: number;
  name: string;
  call: ModuleCall;
  opts: TaskOptions<ModuleResult, Vars>;
  /** role that owns the task, if any */
  role?: RoleInstance;
  /** where the task was declared, for error messages (file:line) */
  source?: string;
}

export interface BlockNode {
  kind: 'block';
  id: number;
  name: string;
  block: Node[];
  rescue: Node[];
  always: Node[];
  opts: TaskOptions<ModuleResult, Vars>;
  /** hosts that go through the whole block together, group after group (a size, 'N%' or a ramp) */
  serial?: SerialSize | SerialSize[];
  role?: RoleInstance;
  source?: string;
}

export interface FlushNode {
  kind: 'flush';
  id: number;
  name: string;
  role?: RoleInstance;
  opts: TaskOptions<ModuleResult, Vars>;
}

export type Node = TaskNode | BlockNode | FlushNode;

/** Handler: a task that runs at the end of a batch when notified. */
export interface HandlerNode extends TaskNode {
  /** topics it also answers to (Ansible `listen`) */
  listen: string[];
  /** options of the role entry that brought it (`{ role, when, vars, environment }`), as its tasks get */
  entry?: TaskOptions<ModuleResult, Vars>;
}

/** A Jinja expression string, templated lazily on the host like Ansible's defaults. */
export type Jinja = `${string}{{${string}}}${string}` | `${string}{%${string}%}${string}`;
/** A handler: a module call, or one with task options and `listen` topics it also answers to. */
export type HandlerSpec<V = Vars> = ModuleCall<ModuleResult, V> | { call: ModuleCall<ModuleResult, V>; opts?: TaskOptions<ModuleResult, V> & { listen?: string | string[] } };

/** A default: a value, a Jinja string rendered on the host, or a function of the host. */
export type DefaultValue<T> = T | Jinja | ((h: HostView) => T);
export type Defaults<V> = { [K in keyof V]?: DefaultValue<V[K]> };

/** What a role's handlers function is given. */
export interface RoleHandlerScope {
  /** the role's name */
  readonly role: string;
}

export interface RoleSpec<V extends object> {
  name: string;
  /** the role's variables: a schema whose type is V (compile time) and which ajv checks (run time) */
  vars: VarSchema<V>;
  defaults?: Defaults<V>;
  /** role vars (Ansible vars/main.yml): higher precedence than inventory */
  roleVars?: Partial<V>;
  /**
   * handlers by name. Written as a function (`handlers: (r) => ({ ... })`), their args functions
   * see the role's typed vars; in a plain object TypeScript types those before it knows the role's
   * vars (options such as `when` are typed either way). NoInfer: the vars type comes from `vars`.
   */
  handlers?: Record<string, HandlerSpec<NoInfer<V>>> | ((r: RoleHandlerScope) => Record<string, HandlerSpec<NoInfer<V>>>);
  tasks: (t: import('./builder.js').TaskBuilder<V>) => void;
  dependencies?: RoleRef[];
  /** directory holding templates/ and files/ (defaults to the directory of the file that called defineRole) */
  dir?: string;
}

/** A role as plays and dependencies hold it, whatever its vars type. */
export interface RoleRef {
  readonly kind: 'role';
  readonly name: string;
  readonly dir: string;
  /** file:line of the playbook() call (errors about a play's options point there) */
  readonly at?: string;
}

export interface RoleInstance<V extends object = object> extends RoleRef {
  readonly spec: RoleSpec<V>;
  readonly params: Partial<V>;
  readonly dir: string;
  /** file:line of the defineRole call (errors about defaults and role vars point there) */
  readonly definedAt?: string;
  /** file:line of the `.with` call that gave each param */
  readonly paramsAt?: Readonly<Record<string, string>>;
  /** the same role with params (highest precedence below task vars and extra vars) */
  with(params: Partial<V>): RoleInstance<V>;
}

/** Per-group batch sizes: each pattern's hosts are batched by its own size, in the order given. */
export type SerialSize = number | `${number}%`;
export type Serial = SerialSize | SerialSize[] | Record<string, SerialSize | SerialSize[]>;

export type HostOrder = 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';

/**
 * What a play-level option function sees: the play's vars and extra vars (no host vars: as in
 * Ansible, `hosts` and `serial` are worked out before any host is chosen).
 */
export interface PlayView {
  readonly vars: Vars;
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** A play option from variables: a literal, a Jinja string (play vars and -e), or a function of the play's vars. */
export type PlayOption<T> = T | Jinja | ((p: PlayView) => T);

/** A role as a play lists it, with options that apply to all its tasks (and its dependencies'). */
export interface RoleEntry {
  role: RoleRef;
  when?: Condition | Condition[];
  tags?: string[];
  vars?: Vars;
  environment?: Environment;
}

export interface PlaySpec {
  name?: string;
  /** a host pattern, or a Jinja string giving one (`'{{ node }}'`) */
  hosts: PlayOption<string | readonly string[]>;
  vars?: Vars;
  roles?: (RoleRef | RoleEntry)[];
  tasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  preTasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  postTasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  handlers?: Record<string, HandlerSpec>;
  become?: boolean;
  becomeUser?: string;
  gatherFacts?: boolean;
  serial?: PlayOption<Serial>;
  order?: HostOrder;
  maxFailPercentage?: PlayOption<number>;
  anyErrorsFatal?: PlayOption<boolean>;
  tags?: string[];
  environment?: Environment;
}

export interface Playbook {
  readonly kind: 'playbook';
  readonly name: string;
  readonly plays: PlaySpec[];
  /** directory of the playbook file: relative src lookups fall back to it */
  readonly dir: string;
  /** file:line of the playbook() call (errors about a play's options point there) */
  readonly at?: string;
}
