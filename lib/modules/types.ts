import type { BecomeSpec, Connection } from '../connection/types.js';
import type { HostView } from '../dsl/types.js';

// The contract between the executor and a module. A module file holds its typed args, its JSON
// schema (validated again at run time: values also come from inventory, -e and JS callers), and
// one `run` that reads state (one round trip where it can), plans, and applies unless in check mode.

/** A content change (unified diff rendered by the reporter) or an attribute change. */
export interface FileDiff {
  path: string;
  /** content before/after; absent for attribute-only changes */
  before?: string;
  after?: string;
  /** attribute changes such as mode, owner, state */
  attrs?: Record<string, { before: unknown; after: unknown }>;
}

export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  diff?: FileDiff[];
}

export interface ModuleContext {
  /** inventory hostname */
  readonly host: string;
  readonly conn: Connection;
  /** --check: read state, report what would change, change nothing */
  readonly check: boolean;
  /** --diff: fill `diff` in the result */
  readonly diff: boolean;
  readonly become: BecomeSpec | false;
  /** merged vars of this host for this task (templated on access) */
  readonly vars: Record<string, unknown>;
  /**
   * render a nunjucks template text with this host's vars; `name` is used in error messages;
   * `extra` vars are seen in front of the host's (the template module's ansible_managed, template_*)
   */
  render(text: string, name: string, extra?: Record<string, unknown>): string;
  /** find a file a task refers to (role files/ or templates/, then the playbook dir); absolute path */
  findFile(kind: 'files' | 'templates', rel: string): string;
  /** a result registered earlier (set_fact writes facts through this) */
  setFacts(facts: Record<string, unknown>): void;
  /** print a line in the run output (debug, pause) */
  log(message: string): void;
  /** the run's inventory, for group_by and add_host (absent where no run is in progress) */
  readonly inventory?: DynamicInventory;
}

/** Changes to the run's inventory that later plays (and `groups`) see, as Ansible's group_by and add_host make. */
export interface DynamicInventory {
  /** put `host` in `group`, the group under each of `parents` (created as needed); true when anything changed */
  group(host: string, group: string, parents: readonly string[]): boolean;
  /** add a host, or update one, with its groups (created as needed) and inventory vars; true when anything changed */
  host(name: string, groups: readonly string[], vars: Readonly<Record<string, unknown>>): boolean;
}

export interface ModuleDef<A, R extends ModuleResult> {
  readonly name: string;
  /** JSON schema of the args, checked with ajv after templating */
  readonly schema: object;
  /** arg keys whose strings are NOT templated before run (template module renders its own src) */
  readonly rawArgs?: readonly string[];
  /** runs once per batch, on its first host (pause: one prompt, not one per host) */
  readonly once?: boolean;
  /** result keys that carry a remote file's content: secrets as they arrive (a slurped key) */
  readonly secretResultKeys?: readonly string[];
  run(args: A, ctx: ModuleContext): Promise<R>;
}

/**
 * Args given to a task: the typed value, or a function computing it from the host. In a role the
 * function sees the role's typed vars (`h.vars.etcd_client_port` is a number).
 */
export type ArgsInput<A, V = Record<string, unknown>> = A | ((h: HostView<V>) => A);

export interface ModuleCall<R extends ModuleResult = ModuleResult, V = Record<string, unknown>> {
  readonly module: ModuleDef<unknown, R>;
  readonly args: unknown;
  /**
   * phantom, never set: the vars its args function reads, inferred from the task builder the call
   * is given to (a method, so a call made for one vars type is accepted where another is expected)
   */
  __vars?(h: HostView<V>): void;
}

/** The typed factory of a module: `copy({ dest, content })`, or `copy((h) => ({ ... }))`. */
export type ModuleFactory<A, R extends ModuleResult> = (<V = Record<string, unknown>>(args: ArgsInput<A, V>) => ModuleCall<R, V>) & {
  def: ModuleDef<A, R>;
};

/** Build the typed factory users call in tasks: `copy({ dest, content })`. */
export function defineModule<A, R extends ModuleResult>(def: ModuleDef<A, R>): ModuleFactory<A, R> {
  const factory = <V>(args: ArgsInput<A, V>): ModuleCall<R, V> => ({
    module: def as unknown as ModuleDef<unknown, R>,
    args,
  });
  return Object.assign(factory, { def });
}

/** Thrown by a module for a task failure with a clear message (not a bug). */
export class ModuleFailure extends Error {
  constructor(
    message: string,
    readonly result: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ModuleFailure';
  }
}
