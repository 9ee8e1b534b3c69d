// Fact gathering: one exec of a POSIX script (script.ts), parsed in TypeScript (parse.ts).
import type { BecomeSpec, Connection } from '../connection/types.js';
import { parseFacts, type Facts } from './parse.js';
import { FACTS_SCRIPT } from './script.js';

export { factVars, filterFacts } from './vars.js';
export type { Facts } from './parse.js';

export class FactsError extends Error {}

export async function gatherRawFacts(conn: Connection, become: BecomeSpec | false = false): Promise<Facts> {
  // false: as the login user even where the host's vars ask for become (the task's become is already worked out)
  const res = await conn.exec(FACTS_SCRIPT, { become });
  if (!res.stdout.includes('\n@@end')) {
    throw new FactsError(`${conn.host}: gathering facts failed (rc ${res.rc}): ${res.stderr.trim() || 'the host printed nothing'}; check that /bin/sh works there, or set gatherFacts: false`);
  }
  return parseFacts(res.stdout);
}
