import type { Ctx } from './context.js';
import { KubeadmError } from './errors.js';
export async function runUpgrade(_ctx: Ctx, _argv: string[]): Promise<void> {
  throw new KubeadmError('upgrade: not yet');
}
