import type { Condition, Environment, HostView, TaskNode, TaskOptions, Vars } from '../dsl/types.js';
import type { FileDiff, ModuleContext, ModuleResult } from '../modules/types.js';
import { ModuleFailure } from '../modules/types.js';
import { BecomeError, UnreachableError } from '../connection/types.js';
import type { HostStatus } from '../report/events.js';
import { renderString, templateValue, TemplateError, overlayVars, removeOmit } from '../template/index.js';
import { holdsSecret, markSecretName, noteDerived, noteSecret, secretReads } from '../util/secrets.js';
import type { PlayContext } from './context.js';
import { state } from './context.js';
import { applyResultConditions, checkResult, checkWhen } from './conditions.js';
import { makeHostView } from './hostview.js';
import { overlay } from './overlay.js';
import { findFile } from './files.js';
import { validateArgs } from './validate.js';
import { hostLevelVars, taskVars } from './vars.js';
import { jsonStringify } from '../util/json.js';
import { environmentOn, hostOptions, noLogOn, TaskOptionError, type OptionScope } from './taskopts.js';
import { withEnvironment } from '../connection/environment.js';
import { dynamicInventory } from './dyninv.js';
import { becomeFor } from './become.js';
import { ASYNC_MODULES, AsyncTimeout, asyncConnection, Detached, jobResult, rememberJob, type AsyncRun } from './async.js';

export const CENSORED = "the output has been hidden due to the fact that 'noLog: true' was specified for this result";

/** Options a task inherits from the blocks around it. */
export interface Inherited {
  when: Condition[];
  vars: Vars[];
  tags: string[];
  /** environment of the play, role, blocks and task, outermost first (merged per key) */
  env: Environment[];
  opts: TaskOptions;
}

export const ROOT_INHERITED: Inherited = { when: [], vars: [], tags: [], env: [], opts: {} };

export interface HostOutcome {
  status: HostStatus;
  result: Vars;
}

/** A failure the user caused (bad args, bad vars, undefined template variable): a message, no stack. */
class TaskError extends Error {}

export function label(node: TaskNode): string {
  return `task '${node.name}'${node.role ? ` (role ${node.role.name})` : ''}${node.source ? ` at ${node.source}` : ''}`;
}

function itemText(item: unknown): string {
  return typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? String(item) : jsonStringify(item);
}

/** Whether any string or number inside `v` holds a registered secret. */
function carriesSecret(v: unknown, depth = 0): boolean {
  if (typeof v === 'string' || typeof v === 'number') return holdsSecret(String(v));
  if (depth > 20 || v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => holdsSecret(k) || carriesSecret(x, depth + 1));
}

/**
 * What an item's line shows: loopControl.label, or the item itself; `(censored)` when what would
 * show carries a secret (a registered value, or rendered from a secret source: a noLog result,
 * a secret-named var, slurped content).
 */
function itemLabel(opts: TaskOptions, item: unknown, fromSecret: boolean, view: HostView, vars: Vars, where: string): string {
  if (opts.noLog) return '(censored)';
  const label = opts.loopControl?.label;
  if (label === undefined) return fromSecret || carriesSecret(item) ? '(censored)' : itemText(item);
  const before = secretReads();
  const text = typeof label === 'function' ? String(label(item, view)) : itemText(templateValue(label, vars, { name: `loopControl.label of ${where}`, host: view.name }));
  return secretReads() !== before || holdsSecret(text) ? '(censored)' : text;
}

/**
 * Run one task on one host: loop, when, until/retries, changedWhen/failedWhen, register. `inh`
 * holds the conditions and vars of the enclosing blocks and the task itself, and the blocks' options.
 */
export async function runTaskOnHost(pc: PlayContext, node: TaskNode, host: string, inh: Inherited, given: TaskOptions): Promise<HostOutcome> {
  const run = pc.run;
  // a noLog that comes from variables hides everything until its value is known
  let opts: TaskOptions = { ...given, noLog: given.noLog !== undefined && given.noLog !== false };
  const st = state(run, host);
  const started = Date.now();
  const where = label(node);
  const scope = { role: node.role, taskVars: inh.vars };
  /** one host line; a loop item's line carries its label, a task's line the whole result */
  const emit = (status: HostStatus, result: Vars, extra: { item?: string } = {}) =>
    run.reporter.emit({
      type: 'host_result',
      task: node.name,
      role: node.role?.name,
      host,
      status,
      changed: Boolean(result.changed),
      // a changedWhen/failedWhen that could not be evaluated is why the task failed: the line says that
      msg: opts.noLog ? undefined : conditionError(result) ?? (typeof result.msg === 'string' ? result.msg : undefined),
      diff: opts.noLog ? undefined : (result.diff as ModuleResult['diff']),
      durationMs: Date.now() - started,
      delegatedTo: result._delegated_to as string | undefined,
      ...('item' in extra
        ? { item: extra.item }
        : { result: opts.noLog ? { censored: CENSORED, changed: Boolean(result.changed) } : result }),
    });

  let outcome: HostOutcome;
  // the task line of a failed loop shows its results: items shown censored stay so there
  const censoredItems = new Set<number>();
  try {
    const vars = taskVars(pc, host, scope);
    const view = makeHostView(pc, host, vars);
    const os: OptionScope = { view, vars, where, host };
    const noLog = noLogOn(given, os);
    opts = { ...opts, noLog: noLog.noLog };
    if (noLog.error) throw noLog.error;
    opts = { ...hostOptions(given, os), noLog: noLog.noLog, environment: environmentOn(inh.env, os) };
    const lc = opts.loopControl ?? {};
    const loopVar = lc.loopVar ?? opts.loopVar ?? 'item';
    const readsBefore = secretReads();
    const items = opts.loop === undefined ? undefined : resolveLoop(opts.loop, view, vars, where);
    // a loop rendered from a secret source: every item may carry it
    const itemsFromSecret = secretReads() !== readsBefore;
    if (items === undefined) {
      if (!checkWhen(inh.when, view, vars, `when of ${where}`)) {
        outcome = { status: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
      } else {
        outcome = await attempt(pc, node, host, opts, vars, view, where);
      }
    } else {
      const results: Vars[] = [];
      for (const [index, item] of items.entries()) {
        if (index > 0 && lc.pause) await new Promise((r) => setTimeout(r, lc.pause! * 1000));
        const indexVars = lc.indexVar ? { [lc.indexVar]: index, ansible_index_var: lc.indexVar } : {};
        const loopVars = { [loopVar]: item, ansible_loop_var: loopVar, ...indexVars, ansible_loop: { index: index + 1, index0: index, first: index === 0, last: index === items.length - 1, length: items.length } };
        const iv = taskVars(pc, host, { ...scope, loopVars });
        const iview = makeHostView(pc, host, iv);
        let r: HostOutcome;
        if (!checkWhen(inh.when, iview, iv, `when of ${where}`)) r = { status: 'skipped', result: { changed: false, skipped: true } };
        else r = await attempt(pc, node, host, opts, iv, iview, where);
        results.push({ ...r.result, [loopVar]: item, item, ansible_loop_var: loopVar, ...indexVars });
        const shown = itemLabel(opts, item, itemsFromSecret, iview, iv, where);
        if (shown === '(censored)' || itemsFromSecret || carriesSecret(item)) censoredItems.add(index);
        emit(r.status, r.result, { item: shown });
        if (r.status === 'unreachable') break;
      }
      const anyFailed = results.some(isFailed);
      const allSkipped = results.length > 0 && results.every((r) => r.skipped);
      const result: Vars = {
        changed: results.some((r) => r.changed),
        results,
        ...(anyFailed ? { failed: true, msg: 'One or more items failed' } : {}),
        ...(allSkipped ? { skipped: true } : {}),
        ...(results.length === 0 ? { skipped: true, skipped_reason: 'No items in the list' } : {}),
      };
      outcome = { status: anyFailed ? 'failed' : allSkipped || results.length === 0 ? 'skipped' : result.changed ? 'changed' : 'ok', result };
      if (results.some((r) => r._unreachable)) outcome = { status: 'unreachable', result: { ...result, unreachable: true } };
    }
  } catch (e) {
    outcome = { status: 'failed', result: { changed: false, failed: true, msg: errorMessage(e, where, host) } };
  }

  if (outcome.status === 'failed' && opts.ignoreErrors === true) outcome = { ...outcome, status: 'ignored' };
  if (outcome.status === 'unreachable' && opts.ignoreUnreachable === true) outcome = { ...outcome, status: 'ignored' };
  record(pc, node, host, opts, outcome.result);
  // loop items were reported one by one; for a loop the task line only summarises a failure,
  // or says `skipping` when there was no item at all (as Ansible does)
  const noItems = Array.isArray(outcome.result.results) && outcome.result.results.length === 0;
  if (opts.loop === undefined || noItems || ['failed', 'ignored', 'unreachable'].includes(outcome.status)) {
    emit(outcome.status, censoredItems.size ? withItemsHidden(outcome.result, censoredItems) : outcome.result);
  }
  // as Ansible 2.14: only a result that is changed and neither failed (ignored or not),
  // unreachable nor skipped notifies
  if (outcome.status === 'changed' && opts.notify) {
    for (const n of Array.isArray(opts.notify) ? opts.notify : [opts.notify]) st.notified.add(n);
  }
  return outcome;
}

function conditionError(result: Vars): string | undefined {
  for (const k of ['changed_when_result', 'failed_when_result']) if (typeof result[k] === 'string') return result[k] as string;
  return undefined;
}

/** A loop's result with the items of `hidden` (by index) shown as `(censored)`; the registered result keeps them. */
function withItemsHidden(result: Vars, hidden: Set<number>): Vars {
  if (!Array.isArray(result.results)) return result;
  const results = (result.results as Vars[]).map((r, i) => {
    if (!hidden.has(i)) return r;
    const loopVar = typeof r.ansible_loop_var === 'string' ? r.ansible_loop_var : 'item';
    return { ...r, item: '(censored)', [loopVar]: '(censored)' };
  });
  return { ...result, results };
}

function record(pc: PlayContext, node: TaskNode, host: string, opts: TaskOptions, result: Vars): void {
  const st = state(pc.run, host);
  const clean = { ...result };
  delete clean._delegated_to;
  delete clean._unreachable;
  st.results.set(node.id, clean);
  if (opts.register) st.registered[opts.register] = opts.noLog ? { ...clean } : clean;
  // a noLog task's result is a secret, and so is whatever is later rendered from it
  if (opts.noLog) {
    noteSecret(clean);
    if (opts.register) markSecretName(opts.register);
  }
}

function resolveLoop(loop: NonNullable<TaskOptions['loop']>, view: HostView, vars: Vars, where: string): unknown[] {
  const v = typeof loop === 'function' ? loop(view) : typeof loop === 'string' ? templateValue(loop, vars, { name: `loop of ${where}`, host: view.name }) : loop;
  if (!Array.isArray(v)) throw new TaskError(`${where}: loop must give a list, got ${typeof v}`);
  return [...v];
}

/** One execution with until/retries around it. */
async function attempt(pc: PlayContext, node: TaskNode, host: string, opts: TaskOptions, vars: Vars, view: HostView, where: string): Promise<HostOutcome> {
  if (opts.until === undefined) return execute(pc, node, host, opts, vars, view, where);
  // hostOptions has made these numbers
  // Ansible 2.14: retries defaults to 3 and counts re-runs (4 tries); 0 or less is one try
  const retries = opts.retries as number | undefined;
  const tries = retries === undefined ? 4 : retries <= 0 ? 1 : retries + 1;
  const delayMs = ((opts.delay as number | undefined) ?? 5) * 1000;
  let out!: HostOutcome;
  for (let n = 1; n <= tries; n++) {
    out = await execute(pc, node, host, opts, vars, view, where);
    if (out.status === 'unreachable') return out;
    const ev = opts.register ? overlay(vars, { [opts.register]: out.result }) : vars;
    const done = checkResult(opts.until, out.result, view, ev, `until of ${where}`);
    out.result.attempts = n;
    if (done) return out;
    if (n < tries) {
      pc.run.reporter.emit({ type: 'retry', task: node.name, host, attempt: n, retries: tries, msg: out.result.msg as string | undefined });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  // a single try (retries 0) is not "out of attempts": failedWhen has decided, as in Ansible.
  if (tries === 1) return out;
  // Out of attempts, Ansible registers failed: true and attempts = tries - 1, yet the status
  // still follows failed_when when the task has one (see isFailed)
  const result: Vars = { ...out.result, attempts: tries - 1, failed: true, msg: (out.result.msg as string) ?? `retries exhausted (${tries} attempts)` };
  return { status: isFailed(result) ? 'failed' : out.status, result };
}

/** Ansible's TaskResult.is_failed: failed_when_result when the task had a failedWhen, else failed. */
function isFailed(r: Vars): boolean {
  return r.failed_when_result !== undefined ? Boolean(r.failed_when_result) : Boolean(r.failed);
}

async function execute(pc: PlayContext, node: TaskNode, host: string, opts: TaskOptions, vars: Vars, view: HostView, where: string): Promise<HostOutcome> {
  const run = pc.run;
  const st = state(run, host);
  const mod = node.call.module;
  const rawKeys = new Set(mod.rawArgs ?? []);
  const given = typeof node.call.args === 'function' ? (node.call.args as (h: HostView) => unknown)(view) : node.call.args;
  const rendered = renderArgs(given, rawKeys, vars, where, host);
  const args = removeOmit(rendered.args); // arguments set to `omit` are left out, as in Ansible
  // content rendered from a secret never shows in a diff, not even the old side (a rotated secret)
  let fromSecret = rendered.secret;
  const delegate = opts.delegateTo ? String(renderString(opts.delegateTo, vars, { name: `delegateTo of ${where}`, host })) : undefined;
  if (delegate && !run.states.has(delegate) && delegate !== 'localhost') throw new TaskError(`${where}: delegateTo '${delegate}' is not a host of the inventory`);
  const connHost = delegate ?? host;
  // delegated to the implicit localhost (not in the inventory): Ansible runs that locally; the
  // connection is no longer chosen by the name, so say so rather than use the task host's
  const connVars = !delegate ? vars : run.states.has(delegate) ? hostLevelVars(run, delegate) : { ...vars, ansible_connection: 'local' };
  const become = becomeFor(pc, opts, connVars);
  const check = opts.checkMode === false ? false : opts.checkMode === true ? true : run.opts.check;

  let result: Vars;
  // hostOptions has made these numbers
  const asyncLimit = (opts.async as number | undefined) ?? 0;
  let job: AsyncRun | undefined;
  let ctx: ModuleContext | undefined;
  try {
    // bad arguments are the module's failure (Ansible checks them in the module), so
    // failedWhen applies to them as to any other module failure
    const errs = validateArgs(mod, args);
    if (errs.length) throw new TaskError(`${where}, host ${host}: module ${mod.name}: ${errs.join('; ')}`);
    if (asyncLimit > 0 && !ASYNC_MODULES.has(mod.name)) {
      throw new TaskError(`${where}, host ${host}: option async: module ${mod.name} does not take it (tsplay runs async only for modules that run one command: ${[...ASYNC_MODULES].join(', ')})`);
    }
    // Ansible's own words for this refusal
    if (asyncLimit > 0 && check) throw new ModuleFailure('check mode and async cannot be used on same task.');
    let conn = withEnvironment(run.connections.get(connHost, connVars), (opts.environment ?? {}) as Record<string, string>);
    const log = (message: string) => run.reporter.emit({ type: 'log', host, task: node.name, message: opts.noLog ? '(censored)' : message });
    if (asyncLimit > 0) {
      job = asyncConnection(conn, asyncLimit, (opts.poll as number | undefined) ?? 15, log);
      conn = job.conn;
    }
    ctx = {
      host,
      conn,
      check,
      diff: run.opts.diff && !opts.noLog,
      become,
      vars,
      render: (text, name, extra) => {
        const before = secretReads();
        const out = renderString(text, extra ? overlayVars(vars, extra) : vars, { name, host });
        if (secretReads() !== before) fromSecret = true;
        return out;
      },
      findFile: (kind, rel) => findFile(pc, node, kind, rel),
      // run once: Ansible gives the facts to every host of the batch that is still reachable
      // (kubespray sets cluster-wide facts this way)
      setFacts: (facts) => {
        const to = opts.runOnce ? pc.batch.filter((h) => !state(run, h).unreachable) : [host];
        for (const h of new Set([host, ...to])) Object.assign(state(run, h).registered, facts);
      },
      log,
      inventory: dynamicInventory(run, `task '${node.name}'${node.source ? ` at ${node.source}` : ''}`),
    };
    st.touched = true;
    const res = (await mod.run(args, ctx)) as ModuleResult & Vars;
    result = { ...res };
    if (job?.job && job.status) result = jobResult(result, job.status, job.job);
    // slurped content (private keys, kubeconfigs) is masked from the moment it arrives
    for (const k of mod.secretResultKeys ?? []) if (typeof result[k] === 'string') noteSecret(result[k]);
    if (fromSecret && Array.isArray(res.diff)) result.diff = res.diff.map(secretDiff);
  } catch (e) {
    if (e instanceof UnreachableError) {
      const result = { changed: false, unreachable: true, _unreachable: true, msg: e.message, ...(delegate ? { _delegated_to: delegate } : {}) };
      return { status: 'unreachable', result };
    }
    const extra = e instanceof ModuleFailure ? e.result : {};
    if (e instanceof Detached && ctx) {
      // poll 0: the job runs on; async_status builds the module's result from it later
      rememberJob(e.job.jid, { module: mod, args, ctx });
      result = { ansible_job_id: e.job.jid, changed: true, failed: 0, finished: 0, results_file: e.job.resultsFile, started: 1 };
    } else if (e instanceof AsyncTimeout) {
      result = { changed: false, failed: true, msg: e.message, async_result: e.last };
    } else result = { ...extra, changed: false, failed: true, msg: errorMessage(e, where, host) };
    // a become that failed never reached the module: like Ansible, no failedWhen for it
    if (e instanceof BecomeError) return { status: 'failed', result: { ...result, ...(delegate ? { _delegated_to: delegate } : {}) } };
  }
  if (delegate) result._delegated_to = delegate;
  applyResultConditions(opts, result, view, vars, where);
  const status: HostOutcome['status'] = result.failed ? 'failed' : result.skipped ? 'skipped' : result.changed ? 'changed' : 'ok';
  return { status, result };
}

/** The rendered args, and whether any of them was rendered from a secret (util/secrets.ts). */
function renderArgs(args: unknown, raw: Set<string>, vars: Vars, name: string, host: string): { args: unknown; secret: boolean } {
  const before = secretReads();
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return { args: renderSecretAware(args, vars, name, host), secret: secretReads() !== before };
  const out: Vars = {};
  for (const [k, v] of Object.entries(args as Vars)) out[k] = raw.has(k) ? v : renderSecretAware(v, vars, `${name} arg ${k}`, host);
  return { args: out, secret: secretReads() !== before };
}

/** templateValue, leaf by leaf: a string rendered from a secret is registered as one. */
function renderSecretAware(v: unknown, vars: Vars, name: string, host: string): unknown {
  if (typeof v === 'string') {
    const before = secretReads();
    const out = templateValue(v, vars, { name, host });
    if (secretReads() !== before) noteDerived(out);
    return out;
  }
  if (Array.isArray(v)) return v.map((x, i) => renderSecretAware(x, vars, `${name}[${i}]`, host));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderSecretAware(x, vars, `${name}.${k}`, host)]));
  }
  return templateValue(v, vars, { name, host });
}

/** A diff of content rendered from secrets: says that it changed, shows neither side. */
function secretDiff(d: FileDiff): FileDiff {
  if (d.before === undefined && d.after === undefined) return d;
  const hidden = (side: string | undefined) => (side === undefined ? undefined : `[content rendered from secret values: not shown]\n`);
  return { ...d, before: hidden(d.before), after: d.before === d.after ? hidden(d.after) : `[content rendered from secret values: changed, not shown]\n` };
}

function errorMessage(e: unknown, where: string, host: string): string {
  if (e instanceof TaskError || e instanceof TaskOptionError || e instanceof TemplateError || e instanceof ModuleFailure || e instanceof BecomeError) return e.message;
  if (e instanceof Error) return `${where}, host ${host}: ${e.message}`;
  return `${where}, host ${host}: ${String(e)}`;
}
