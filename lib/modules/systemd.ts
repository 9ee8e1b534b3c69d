import { shq } from '../util/shell.js';
import { applyScript, probe } from './system/remote.js';
import type { FileDiff, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's systemd (systemd_service): state, enabled, masked and daemon_reload through
// `systemctl`, so it works with real systemd and with the daemonless systemctl of lab hosts.
// daemon_reload runs first (not in check mode) and does not by itself count as a change, as in
// Ansible; then masked, then enabled, then state. restarted and reloaded always change.
// `systemctl show UNIT` is read whole: the daemonless systemctl honours only one -p.
// Reading state is one round trip (show + is-enabled), applying it one more.

export interface SystemdArgs {
  /** unit name; `.service` is implied when no suffix is given */
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  daemon_reload?: boolean;
}

export interface SystemdResult extends ModuleResult {
  name?: string;
  state?: string;
  enabled?: boolean;
  /** unit properties read before any change */
  status?: Record<string, string>;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // a leading - would make the name an option of systemctl (systemd's own -.mount and
    // -.slice, the root mount and slice, are not units a playbook manages)
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9:_.@\\\\][A-Za-z0-9:_.@\\\\-]*$',
      description: "a unit name such as etcd or etcd.service (letters, digits and : _ . @ \\ -, not starting with '-')",
    },
    state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'boolean' },
    masked: { type: 'boolean' },
    daemon_reload: { type: 'boolean' },
  },
};

const STATUS_KEYS = ['Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'MainPID'];
const RUNNING = new Set(['active', 'activating', 'reloading']);

export const systemd = defineModule<SystemdArgs, SystemdResult>({
  name: 'systemd',
  schema,
  async run(args, ctx) {
    const { name, state, enabled, masked } = args;
    if (!name) {
      if (state || enabled !== undefined || masked !== undefined) throw new ModuleFailure('systemd: name is required with state, enabled or masked');
      if (!args.daemon_reload) throw new ModuleFailure('systemd: give a name (with state, enabled or masked) or daemon_reload: true');
    }
    const reload = args.daemon_reload && !ctx.check;
    const u = shq(name ?? '');
    const st = await probe(ctx, {
      reload: reload ? 'systemctl daemon-reload' : 'true',
      // -- before every unit name: it is an operand, never an option
      show: name ? `systemctl show -- ${u}` : 'true',
      enabled: name ? `systemctl is-enabled -- ${u}` : 'true',
    });
    if (reload && st.reload.rc !== 0) throw new ModuleFailure(`systemd: daemon-reload failed: ${st.reload.err}`);
    if (!name) return { changed: false };

    const props: Record<string, string> = {};
    for (const line of st.show.out.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
    }
    const status = Object.fromEntries(STATUS_KEYS.filter((k) => k in props).map((k) => [k, props[k]]));
    const enabledState = st.enabled.out.trim();
    const isMasked = enabledState === 'masked' || props.LoadState === 'masked';
    const found = props.LoadState !== undefined && props.LoadState !== 'not-found' && st.show.rc === 0;
    if (!found && !isMasked && (state || enabled !== undefined)) {
      throw new ModuleFailure(`Could not find the requested service ${name}: host ${ctx.host}`);
    }
    const isEnabled = st.enabled.rc === 0;
    // ActiveState, not is-active: the daemonless systemctl answers is-active with "unknown" for
    // a running unit that is not enabled
    const isActive = RUNNING.has(props.ActiveState ?? '');

    const steps: string[] = [];
    const diff: FileDiff[] = [];
    const attrs: Record<string, { before: unknown; after: unknown }> = {};
    const step = (verb: string) => steps.push(`systemctl ${verb} -- ${u} || { echo ${shq(`Unable to ${verb} service ${name}`)} >&2; exit 1; }`);
    if (masked !== undefined && masked !== isMasked) {
      step(masked ? 'mask' : 'unmask');
      attrs.masked = { before: isMasked, after: masked };
    }
    if (enabled !== undefined && enabled !== isEnabled) {
      step(enabled ? 'enable' : 'disable');
      attrs.enabled = { before: isEnabled, after: enabled };
    }
    if (state === 'started' && !isActive) step('start');
    if (state === 'stopped' && isActive) step('stop');
    if (state === 'restarted') step('restart');
    if (state === 'reloaded') step(isActive ? 'reload' : 'start');
    const activeAfter = state === 'stopped' ? false : state ? true : isActive;
    if (activeAfter !== isActive || state === 'restarted' || state === 'reloaded') attrs.active = { before: isActive, after: activeAfter };

    const changed = steps.length > 0;
    if (Object.keys(attrs).length) diff.push({ path: `systemd:${name}`, attrs });
    const result: SystemdResult = {
      changed,
      name,
      state: state ?? (isActive ? 'started' : 'stopped'),
      enabled: enabled ?? isEnabled,
      status,
    };
    if (ctx.diff && changed) result.diff = diff;
    if (!changed || ctx.check) return result;
    await applyScript(ctx, steps.join('\n'), `systemd ${name}`, { timeoutMs: 10 * 60_000 });
    return result;
  },
});
