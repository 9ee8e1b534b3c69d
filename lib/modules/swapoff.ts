import { applyScript, probe, writeFileFragment } from './system/remote.js';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { sha1 } from './common/result.js';
import { withReplan } from './common/replan.js';
import { decodeBytes, encodeText } from '../util/bytetext.js';

// tsplay-specific (kubeadm refuses to run with swap on): turn every active swap area off now
// (`swapoff -a` when /proc/swaps lists any) and, with persist, comment out the swap entries of
// /etc/fstab so swap stays off after a reboot. An fstab line is a swap entry when its third field
// (the file system type) is `swap`.

export interface SwapoffArgs {
  /** comment out swap entries in /etc/fstab; default true */
  persist?: boolean;
}

export interface SwapoffResult extends ModuleResult {
  /** swap areas that were active before the task */
  swaps_before: string[];
  /** fstab lines that were (or in check mode would be) commented out */
  fstab_commented: string[];
}

const FSTAB = '/etc/fstab';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { persist: { type: 'boolean' } },
};

/** Active swap areas from /proc/swaps (first line is the header). */
function activeSwaps(procSwaps: string): string[] {
  return procSwaps.split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]).filter((s): s is string => !!s);
}

/** fstab with its swap entries commented out, and the lines that were. */
function commentSwapEntries(fstab: string): { text: string; commented: string[] } {
  const commented: string[] = [];
  const lines = fstab.split('\n').map((line) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.split(/\s+/)[2] !== 'swap') return line;
    commented.push(line);
    return `# ${line}`;
  });
  return { text: lines.join('\n'), commented };
}

/** Exit code of the fstab read for a missing file (an empty one reads as rc 0, no bytes). */
const ABSENT_RC = 3;

async function attempt(args: SwapoffArgs, ctx: ModuleContext): Promise<SwapoffResult> {
  const persist = args.persist ?? true;
  const st = await probe(ctx, {
    swaps: 'cat /proc/swaps',
    fstab: `if [ -e ${FSTAB} ] || [ -L ${FSTAB} ]; then cat -- ${FSTAB}; else exit ${ABSENT_RC}; fi`,
  });
  const absent = st.fstab.rc === ABSENT_RC;
  if (st.fstab.rc !== 0 && !absent) throw new ModuleFailure(`swapoff: cannot read ${FSTAB}: ${st.fstab.err}`);
  // fstab as bytes (util/bytetext.ts): lines this does not comment out keep every byte
  const fstab = decodeBytes(st.fstab.raw);
  const active = st.swaps.rc === 0 ? activeSwaps(st.swaps.out) : [];
  const plan = persist ? commentSwapEntries(fstab) : { text: fstab, commented: [] };
  const fstabChanged = plan.commented.length > 0;
  const changed = active.length > 0 || fstabChanged;
  const result: SwapoffResult = { changed, swaps_before: active, fstab_commented: plan.commented };
  if (ctx.diff && changed) {
    const diff: FileDiff[] = [];
    if (active.length) diff.push({ path: 'swap', attrs: { active: { before: active, after: [] } } });
    if (fstabChanged) diff.push({ path: FSTAB, before: st.fstab.out, after: encodeText(plan.text).toString('utf8') });
    result.diff = diff;
  }
  if (!changed || ctx.check) return result;
  const steps = ['set -e'];
  // fstab first: when it changed since it was read, the script stops before anything is done
  const basedOn = absent ? { absent: true as const } : { sha1: sha1(st.fstab.raw) };
  if (fstabChanged) steps.push(writeFileFragment(FSTAB, encodeText(plan.text), { basedOn }));
  if (active.length) steps.push('swapoff -a');
  await applyScript(ctx, steps.join('\n'), 'swapoff');
  return result;
}

export const swapoff = defineModule<SwapoffArgs, SwapoffResult>({
  name: 'swapoff',
  schema,
  // read, plan and apply again when /etc/fstab changed in between (common/replan.ts)
  run: (args, ctx) => withReplan('swapoff', () => attempt(args, ctx), (m) => ctx.log(m)),
});
