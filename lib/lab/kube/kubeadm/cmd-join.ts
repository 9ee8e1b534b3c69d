import type { Ctx } from './context.js';
import { KubeadmError } from './errors.js';
export async function runJoin(_ctx: Ctx, _argv: string[]): Promise<void> {
  throw new KubeadmError('join: not yet');
}
