import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HostView, RoleInstance, Vars } from '../dsl/types.js';
import { groupsOf, hostVarLayers } from '../inventory/index.js';
import { Deferred, isTemplated, lazyVars } from '../template/index.js';
import { mergeLayers, toBool } from '../vars/merge.js';
import type { PlayContext, RunContext } from './context.js';
import { state } from './context.js';
import { makeHostView } from './hostview.js';
import { roleVarCheck } from './rolecheck.js';

// Variable precedence, lowest first (the order an Ansible user expects):
// role defaults < inventory group vars < group_vars/all < group_vars/* < inventory host vars <
// host_vars/* < facts < play vars < role vars < block vars < task vars < registered / set_fact <
// role params < extra vars (role params above set_fact as in Ansible: a role's own set_fact cannot
// undo what the play passed it). Magic vars (inventory_hostname, groups, ...) cannot be overridden.

/** What stays the same for a host all run long, worked out once: inventory layers and magic vars. */
interface HostConstants {
  layers: Vars[];
  magic: Vars;
}

const constantsCache = new WeakMap<RunContext, Map<string, HostConstants>>();

export function hostConstants(run: RunContext, host: string): HostConstants {
  let m = constantsCache.get(run);
  if (!m) constantsCache.set(run, (m = new Map()));
  let c = m.get(host);
  if (!c) {
    const v = hostVarLayers(run.inv, host);
    c = { layers: [v.inventoryGroup, v.groupVarsAll, v.groupVars, v.inventoryHost, v.hostVarsDir], magic: magicVars(run, host) };
    m.set(host, c);
  }
  return c;
}

/** After group_by / add_host: the host's inventory layers and group_names are worked out again. */
export function forgetHostConstants(run: RunContext, host: string): void {
  constantsCache.get(run)?.delete(host);
}

/** Inventory vars + facts + registered + extra vars: what `hostvars[name]` shows. */
export function hostLevelVars(run: RunContext, host: string): Vars {
  const st = state(run, host);
  const { layers, magic } = hostConstants(run, host);
  return lazyVars(mergeLayers([...layers, st.facts, st.registered, run.opts.extraVars, magic]), { host });
}

function magicVars(run: RunContext, host: string): Vars {
  return {
    ...inventoryPlace(run, host),
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: groupsOf(run.inv, host),
    groups: run.groups,
    playbook_dir: run.playbook.dir,
    ansible_check_mode: run.opts.check,
    ansible_diff_mode: run.opts.diff,
    ansible_verbosity: run.opts.verbosity ?? 0,
    hostvars: hostvarsProxy(run),
  };
}

/**
 * inventory_file / inventory_dir: the inventory source that defined the host, absolute, as Ansible
 * sets them (a lab inventory finds its key through them); none for an `h1,h2,` list.
 */
function inventoryPlace(run: RunContext, host: string): Vars {
  const source = run.inv.hosts.get(host)?.source;
  const file = source?.replace(/:\d+$/, '');
  if (!file || !existsSync(file)) return {};
  const abs = path.resolve(file);
  return { inventory_file: abs, inventory_dir: path.dirname(abs) };
}

const hostvarsCache = new WeakMap<RunContext, Vars>();
function hostvarsProxy(run: RunContext): Vars {
  let p = hostvarsCache.get(run);
  if (!p) {
    p = new Proxy({} as Vars, {
      get: (_t, key) => (typeof key === 'string' && run.states.has(key) ? hostLevelVars(run, key) : undefined),
      has: (_t, key) => typeof key === 'string' && run.states.has(key),
      ownKeys: () => [...run.states.keys()],
      getOwnPropertyDescriptor: (_t, key) =>
        typeof key === 'string' && run.states.has(key) ? { enumerable: true, configurable: true, value: hostLevelVars(run, key) } : undefined,
    });
    hostvarsCache.set(run, p);
  }
  return p;
}

/** Roles in dependency order (dependencies first), each once. */
export function roleChain(role: RoleInstance | undefined): RoleInstance[] {
  if (!role) return [];
  const out: RoleInstance[] = [];
  for (const dep of role.spec.dependencies ?? []) out.push(...roleChain(dep as RoleInstance));
  out.push(role);
  return out;
}

/** What taskVars needs of a role, worked out once per role instance instead of per task-host. */
interface RoleInfo {
  defaults: [string, unknown][];
  /** role vars of the role and its dependencies */
  level: Vars;
  /** role params of the role and its dependencies (`role.with({...})`) */
  params: Vars;
  /** declared boolean / integer / number variables */
  typed: Map<string, string>;
}

const roleInfos = new WeakMap<RoleInstance, RoleInfo>();

function roleInfo(role: RoleInstance): RoleInfo {
  let info = roleInfos.get(role);
  if (!info) {
    const chain = roleChain(role);
    const defaults = chain.flatMap((r) => Object.entries((r.spec.defaults ?? {}) as Vars));
    const typed = new Map<string, string>();
    for (const r of chain) {
      const p = (r.spec.vars.json as { properties?: Record<string, { type?: string }> }).properties ?? {};
      for (const [k, sch] of Object.entries(p)) if (sch.type === 'boolean' || sch.type === 'integer' || sch.type === 'number') typed.set(k, sch.type);
    }
    info = {
      defaults,
      level: Object.assign({}, ...chain.map((r) => r.spec.roleVars ?? {})) as Vars,
      params: Object.assign({}, ...chain.map((r) => r.params)) as Vars,
      typed,
    };
    roleInfos.set(role, info);
  }
  return info;
}

/** Defaults; a function default is called when its variable is first read, not before (unread, it may need a fact the play never gathered). */
function evalDefaults(info: RoleInfo | undefined, view: () => HostView): Vars {
  const out: Vars = {};
  for (const [k, d] of info?.defaults ?? []) out[k] = typeof d === 'function' ? new Deferred(() => (d as (h: HostView) => unknown)(view())) : d;
  return out;
}

export interface TaskScope {
  role?: RoleInstance;
  /** vars of enclosing blocks and the task, outermost first */
  taskVars: Vars[];
  /** loop variable and its value, ansible_loop etc. */
  loopVars?: Vars;
}

/** The merged, lazily templated vars a task sees on a host. */
export function taskVars(pc: PlayContext, host: string, scope: TaskScope): Vars {
  const run = pc.run;
  const st = state(run, host);
  const info = scope.role ? roleInfo(scope.role) : undefined;
  const { layers, magic } = hostConstants(run, host);
  const upper: Vars[] = [
    ...layers,
    st.facts,
    pc.play.vars ?? {},
    info?.level ?? {},
    ...scope.taskVars,
    scope.loopVars ?? {},
    st.registered,
    info?.params ?? {},
    run.opts.extraVars,
    magic,
    {
      play_hosts: pc.batch,
      ansible_play_hosts: pc.activeHosts ?? pc.hosts.filter((h) => state(run, h).active),
      ansible_play_hosts_all: pc.hosts,
      ansible_play_batch: pc.batch,
      ansible_play_name: pc.playName,
      ...(scope.role ? { role_name: scope.role.name, role_path: scope.role.dir } : {}),
    },
  ];
  // a default that is a function sees the host's vars without the defaults (no cycle)
  let fnView: HostView | undefined;
  const defaults = evalDefaults(info, () => (fnView ??= makeHostView(pc, host, lazyVars(mergeLayers(upper), { host }))));
  const onRead = scope.role ? roleVarCheck(scope.role, host, st) : undefined;
  return lazyVars(coerceDeclared(mergeLayers([defaults, ...upper]), info), { host, onRead });
}

/**
 * A role's declared booleans and numbers arrive as strings from INI files and `-e k=v`; give
 * them their declared type before templating, so `{% if etcd_tls %}` sees false, not "false".
 */
function coerceDeclared(vars: Vars, info: RoleInfo | undefined): Vars {
  for (const [k, type] of info?.typed ?? []) {
    const v = vars[k];
    if (typeof v !== 'string' || isTemplated(v)) continue;
    if (type === 'boolean') {
      try {
        vars[k] = toBool(v);
      } catch {
        // left as is: validation names the variable and the bad value
      }
    } else if (v.trim() !== '' && Number.isFinite(Number(v)) && (type === 'number' || Number.isInteger(Number(v)))) vars[k] = Number(v);
  }
  return vars;
}

