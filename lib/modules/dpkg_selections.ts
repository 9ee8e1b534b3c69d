import { shq } from '../util/shell.js';
import { applyScript, probe } from './system/remote.js';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's dpkg_selections: set a package's dpkg selection (kubespray holds kubelet, kubeadm
// and containerd at their version with `selection: hold`). One read, one `dpkg --set-selections`.

export interface DpkgSelectionsArgs {
  name: string;
  selection: 'install' | 'hold' | 'deinstall' | 'purge';
}

export interface DpkgSelectionsResult extends ModuleResult {
  /** the selection before the task; `not present` when dpkg has none for the package */
  before: string;
  after: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'selection'],
  properties: {
    // as apt's names (Debian policy 5.6.1, :ARCH): never read as an option of dpkg
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$', description: 'a Debian package name (lowercase letters, digits and + - ., starting with a letter or digit; optionally :ARCH)' },
    selection: { enum: ['install', 'hold', 'deinstall', 'purge'] },
  },
};

export const dpkg_selections = defineModule<DpkgSelectionsArgs, DpkgSelectionsResult>({
  name: 'dpkg_selections',
  schema,
  async run(args, ctx) {
    const { name, selection } = args;
    const st = await probe(ctx, { sel: `LC_ALL=C dpkg --get-selections -- ${shq(name)}` });
    // dpkg knows nothing of the package (neither installed nor selected): Ansible's message
    if (/no packages found matching/.test(st.sel.err)) throw new ModuleFailure(`Failed to find package '${name}' to perform selection '${selection}'.`);
    if (st.sel.rc !== 0) throw new ModuleFailure(`dpkg_selections: dpkg --get-selections ${name} failed: ${(st.sel.err || st.sel.out).trim()}`);
    const line = st.sel.out.split('\n').find((l) => l.split(/\s+/)[0]?.replace(/:[a-z0-9-]+$/, '') === name.replace(/:[a-z0-9-]+$/, ''));
    const before = line ? line.trim().split(/\s+/)[1] : 'not present';
    const changed = before !== selection;
    const result: DpkgSelectionsResult = { changed, before, after: selection };
    if (changed && ctx.diff) result.diff = [{ path: `dpkg selection of ${name}`, attrs: { selection: { before, after: selection } } }];
    if (!changed || ctx.check) return result;
    await applyScript(ctx, `printf '%s %s\\n' ${shq(name)} ${shq(selection)} | dpkg --set-selections`, `dpkg_selections ${name} ${selection}`);
    return result;
  },
});
