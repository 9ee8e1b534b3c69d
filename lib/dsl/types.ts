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
  /** the latest result of a task on this host; throws if the task has not run here */
  result<R extends ModuleResult>(ref: TaskRef<R>): R & TaskOutcome;
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

/** A condition: a Jinja expression string (as in Ansible), a boolean, or a typed function. */
export type Condition<V = Vars> = string | boolean | ((h: HostView<V>) => boolean);
export type ResultCondition<R, V = Vars> = string | boolean | ((r: R & TaskOutcome, h: HostView<V>) => boolean);

/** Ansible's loop_control: how a loop names its item and index, shows items, paces itself. */
export interface LoopControl<V = Vars> {
  /**
   * what an item's line shows instead of the whole item: a Jinja string rendered with the loop
   * var (`'{{ item.name }}'`) or a function; shown as `(censored)` if it holds a secret
   */
  label?: string | ((item: unknown, h: HostView<V>) => string);
  /** the name of the item variable (default `item`) */
  loopVar?: string;
  /** a variable holding the item's index (from 0) */
  indexVar?: string;
  /** seconds to wait between items */
  pause?: number;
}

export interface TaskOptions<R extends ModuleResult = ModuleResult, V = Vars> {
  when?: Condition<V> | Condition<V>[];
  /** a list, a Jinja expression that yields a list, or a function */
  loop?: readonly unknown[] | string | ((h: HostView<V>) => readonly unknown[]);
  /** loop_control.loop_var (default `item`); same as `loopControl.loopVar` */
  loopVar?: string;
  /** Ansible's loop_control */
  loopControl?: LoopControl<V>;
  /** handler names or `listen` topics notified when this task changed */
  notify?: string | string[];
  /** evaluated on every result, a failed one too; a list must all hold */
  changedWhen?: ResultCondition<R, V> | ResultCondition<R, V>[];
  /** evaluated on every result, a module's failure too (sets `failed_when_result`); a list must all hold */
  failedWhen?: ResultCondition<R, V> | ResultCondition<R, V>[];
  ignoreErrors?: boolean;
  ignoreUnreachable?: boolean;
  tags?: string[];
  become?: boolean;
  becomeUser?: string;
  /** false: run for real even under --check (read-only commands); true: always in check mode */
  checkMode?: boolean;
  /** mask args and results in every output */
  noLog?: boolean;
  vars?: Vars;
  /** also expose the result to templates under this name (Ansible `register`) */
  register?: string;
  /** run on another host with this host's vars */
  delegateTo?: string;
  /** run on the first host of the batch only; its result is given to every host */
  runOnce?: boolean;
  /** at most this many hosts run the task at once */
  throttle?: number;
  /** retry until the condition holds */
  until?: ResultCondition<R, V>;
  retries?: number;
  /** seconds between attempts */
  delay?: number;
}

/** A handle on a task, to read its result from later tasks (`h.result(ref)`). */
export interface TaskRef<R extends ModuleResult = ModuleResult> {
  readonly id: number;
  readonly name: string;
  /** phantom: carries the result type */
  readonly __result?: R;
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
}

/** A Jinja expression string, templated lazily on the host like Ansible's defaults. */
export type Jinja = `${string}{{${string}}}${string}` | `${string}{%${string}%}${string}`;
/** A handler: a module call, or one with task options and `listen` topics it also answers to. */
export type HandlerSpec<V = Vars> = ModuleCall | { call: ModuleCall; opts?: TaskOptions<ModuleResult, V> & { listen?: string | string[] } };

/** A default: a value, a Jinja string rendered on the host, or a function of the host. */
export type DefaultValue<T> = T | Jinja | ((h: HostView) => T);
export type Defaults<V> = { [K in keyof V]?: DefaultValue<V[K]> };

export interface RoleSpec<V extends object> {
  name: string;
  /** the role's variables: a schema whose type is V (compile time) and which ajv checks (run time) */
  vars: VarSchema<V>;
  defaults?: Defaults<V>;
  /** role vars (Ansible vars/main.yml): higher precedence than inventory */
  roleVars?: Partial<V>;
  handlers?: Record<string, HandlerSpec<V>>;
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

export interface PlaySpec {
  name?: string;
  hosts: string;
  vars?: Vars;
  roles?: RoleRef[];
  tasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  preTasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  postTasks?: (t: import('./builder.js').TaskBuilder<Vars>) => void;
  handlers?: Record<string, HandlerSpec>;
  become?: boolean;
  becomeUser?: string;
  gatherFacts?: boolean;
  serial?: Serial;
  order?: HostOrder;
  maxFailPercentage?: number;
  anyErrorsFatal?: boolean;
  tags?: string[];
}

export interface Playbook {
  readonly kind: 'playbook';
  readonly name: string;
  readonly plays: PlaySpec[];
  /** directory of the playbook file: relative src lookups fall back to it */
  readonly dir: string;
}
