import { shq } from '../util/shell.js';
import { applyScript, probe, writeFileFragment } from './system/remote.js';
import type { FileDiff, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's community.general.modprobe. A module counts as loaded when the kernel lists it in
// /sys/module/NAME/initstate (what kmod itself reads), and as built in when it is named in
// /lib/modules/$(uname -r)/modules.builtin. persistent: present writes
// /etc/modules-load.d/NAME.conf (and /etc/modprobe.d/NAME.conf with `options NAME PARAMS` when
// params are given); absent removes those two files. Unlike Ansible, other files in those
// directories are not searched or edited.

export interface ModprobeArgs {
  name: string;
  /** default present */
  state?: 'present' | 'absent';
  /** module parameters, e.g. 'conn_tab_bits=15' */
  params?: string;
  /** load at boot: present | absent | disabled (leave boot config alone; default) */
  persistent?: 'present' | 'absent' | 'disabled';
}

export interface ModprobeResult extends ModuleResult {
  name: string;
  params: string;
  state: 'present' | 'absent';
  /** loaded before the task (built-in modules count as loaded) */
  loaded_before: boolean;
  builtin: boolean;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    // a leading - would make the name an option of modprobe
    name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$', description: "a kernel module name such as br_netfilter (letters, digits, _ and -, not starting with '-')" },
    state: { enum: ['present', 'absent'] },
    params: { type: 'string' },
    persistent: { enum: ['present', 'absent', 'disabled'] },
  },
};

export const modprobe = defineModule<ModprobeArgs, ModprobeResult>({
  name: 'modprobe',
  schema,
  async run(args, ctx) {
    const state = args.state ?? 'present';
    const params = (args.params ?? '').trim();
    const persistent = args.persistent ?? 'disabled';
    if (persistent === 'present' && state === 'absent') {
      throw new ModuleFailure(`modprobe ${args.name}: persistent: present needs state: present (a module unloaded now but loaded at boot is contradictory)`);
    }
    // the kernel names modules with underscores; modprobe accepts either
    const kname = args.name.replace(/-/g, '_');
    const loadConf = `/etc/modules-load.d/${args.name}.conf`;
    const optsConf = `/etc/modprobe.d/${args.name}.conf`;
    const cat = (p: string) => `if [ -e ${p} ]; then echo y; cat ${p}; else echo n; fi`;

    const st = await probe(ctx, {
      initstate: `cat /sys/module/${kname}/initstate 2>/dev/null || true`,
      sysdir: `[ -d /sys/module/${kname} ] && echo y || echo n`,
      builtin: `cat "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null || true`,
      loadConf: cat(loadConf),
      optsConf: cat(optsConf),
    });
    const builtin =
      (st.sysdir.out.trim() === 'y' && st.initstate.out.trim() === '') ||
      st.builtin.out.split('\n').some((l) => l.trim().split('/').pop()?.replace(/\.ko(\..*)?$/, '').replace(/-/g, '_') === kname);
    const loaded = builtin || /^(live|coming)$/.test(st.initstate.out.trim());
    if (builtin && state === 'absent') throw new ModuleFailure(`modprobe ${args.name}: the module is built into the kernel and cannot be unloaded`);

    const fileNow = (p: { out: string }) => (p.out.startsWith('y\n') ? p.out.slice(2) : null);
    const files: { path: string; before: string | null; after: string | null }[] = [];
    if (persistent === 'present') {
      files.push({ path: loadConf, before: fileNow(st.loadConf), after: `${args.name}\n` });
      files.push({ path: optsConf, before: fileNow(st.optsConf), after: params ? `options ${args.name} ${params}\n` : fileNow(st.optsConf) });
    } else if (persistent === 'absent') {
      files.push({ path: loadConf, before: fileNow(st.loadConf), after: null });
      files.push({ path: optsConf, before: fileNow(st.optsConf), after: null });
    }
    const fileChanges = files.filter((f) => f.before !== f.after);
    const load = state === 'present' && !loaded;
    const unload = state === 'absent' && loaded;
    const changed = load || unload || fileChanges.length > 0;

    const result: ModprobeResult = { changed, name: args.name, params, state, loaded_before: loaded, builtin };
    if (ctx.diff && changed) {
      const diff: FileDiff[] = fileChanges.map((f) => ({ path: f.path, before: f.before ?? '', after: f.after ?? '' }));
      if (load || unload) diff.push({ path: `module:${args.name}`, attrs: { loaded: { before: loaded, after: !loaded } } });
      result.diff = diff;
    }
    if (!changed || ctx.check) return result;

    const steps = ['set -e'];
    if (load) steps.push(['modprobe', '--', shq(args.name), ...params.split(/\s+/).filter(Boolean).map(shq)].join(' '));
    if (unload) steps.push(`modprobe -r -- ${shq(args.name)}`);
    for (const f of fileChanges) steps.push(f.after === null ? `rm -f ${shq(f.path)}` : writeFileFragment(f.path, f.after));
    await applyScript(ctx, steps.join('\n'), `modprobe ${args.name}`);
    return result;
  },
});
