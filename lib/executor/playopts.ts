import type { PlayOption, PlaySpec, PlayView, Serial, Vars } from '../dsl/types.js';
import type { Inventory } from '../inventory/index.js';
import { groupsMap } from '../inventory/index.js';
import { lazyVars, templateValue } from '../template/index.js';
import { errorReason } from '../template/errors.js';
import { mergeLayers } from '../vars/merge.js';
import { UserError } from '../util/errors.js';
import { flag, OptionValueError, pattern, percent, serial } from './optionvalues.js';

// Play options that may come from variables (`hosts: '{{ node }}'`, `serial: "{{ serial | default('20%') }}"`).
// As in Ansible they are worked out before a host is chosen, so they see the play's vars and the
// extra vars (-e) and `groups`, never inventory or host vars.

export class PlayOptionError extends UserError {}

export interface PlayOptions {
  hosts: string;
  serial?: Serial;
  maxFailPercentage?: number;
  anyErrorsFatal?: boolean;
}

const cache = new WeakMap<PlaySpec, WeakMap<object, PlayOptions>>();

/** The play's vars as its option templates see them: play vars < extra vars, and `groups`. */
export function playView(inv: Inventory, play: PlaySpec, extraVars: Vars): PlayView {
  const groups = groupsMap(inv);
  return { vars: lazyVars(mergeLayers([play.vars ?? {}, extraVars, { groups }]), {}), groups };
}

function describe(given: unknown): string {
  return typeof given === 'function' ? 'its function' : `'${String(given)}'`;
}

function value<T>(name: string, given: PlayOption<unknown> | undefined, check: (v: unknown) => T, view: PlayView, where: string): T | undefined {
  if (given === undefined) return undefined;
  let v: unknown;
  try {
    v = typeof given === 'function' ? (given as (p: PlayView) => unknown)(view) : templateValue(given, view.vars, { name: `${name} of ${where}` });
  } catch (e) {
    throw new PlayOptionError(`${where}: option ${name} (from ${describe(given)}): ${errorReason(e)}`);
  }
  try {
    return check(v);
  } catch (e) {
    if (!(e instanceof OptionValueError)) throw e;
    const from = typeof given === 'string' || typeof given === 'function' ? ` (from ${describe(given)})` : '';
    throw new PlayOptionError(`${where}: option ${name}${from}: ${e.message}; fix the option, the play's vars or -e`);
  }
}

/**
 * A play's hosts, serial, maxFailPercentage and anyErrorsFatal, rendered and validated once per
 * run (`where` names the play and its playbook file:line in an error).
 */
export function playOptions(inv: Inventory, play: PlaySpec, extraVars: Vars, where: string): PlayOptions {
  let byExtra = cache.get(play);
  if (!byExtra) cache.set(play, (byExtra = new WeakMap()));
  const hit = byExtra.get(extraVars);
  if (hit) return hit;
  const literal = (v: unknown) => v === undefined || (typeof v !== 'function' && !(typeof v === 'string' && /\{[{%]/.test(v)));
  // plays written with literals need no vars (and no groups map) at all
  const view =
    literal(play.hosts) && literal(play.serial) && literal(play.maxFailPercentage) && literal(play.anyErrorsFatal)
      ? { vars: {}, groups: {} }
      : playView(inv, play, extraVars);
  const out: PlayOptions = {
    hosts: value('hosts', play.hosts ?? '', pattern, view, where) as string,
    serial: value('serial', play.serial, serial, view, where),
    maxFailPercentage: value('maxFailPercentage', play.maxFailPercentage, percent, view, where),
    anyErrorsFatal: value('anyErrorsFatal', play.anyErrorsFatal, flag, view, where),
  };
  byExtra.set(extraVars, out);
  return out;
}
