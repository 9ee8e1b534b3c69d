import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { TaskNode } from '../dsl/types.js';
import { ModuleFailure } from '../modules/types.js';
import type { PlayContext } from './context.js';
import { roleChain } from './vars.js';

/** Where a task's `src` is looked up, like Ansible: the role's dir first, then the playbook's. */
export function findFile(pc: PlayContext, node: TaskNode, kind: 'files' | 'templates', rel: string): string {
  if (isAbsolute(rel)) {
    if (existsSync(rel)) return rel;
    throw new ModuleFailure(`${kind === 'files' ? 'file' : 'template'} '${rel}' does not exist on the controller`);
  }
  const dirs = [
    ...roleChain(node.role).reverse().flatMap((r) => [join(r.dir, kind), r.dir]),
    join(pc.run.playbook.dir, kind),
    pc.run.playbook.dir,
  ];
  for (const d of dirs) {
    const p = join(d, rel);
    if (existsSync(p)) return p;
  }
  throw new ModuleFailure(`${kind === 'files' ? 'file' : 'template'} '${rel}' not found; looked in: ${dirs.join(', ')}`);
}
