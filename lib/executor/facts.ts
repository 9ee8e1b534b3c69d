import type { BecomeSpec, Connection } from '../connection/types.js';
import type { Vars } from '../dsl/types.js';
import { factVars, gatherRawFacts } from '../facts/index.js';

// The play's implicit "Gathering Facts": every fact as ansible_<name> and as ansible_facts[...].
export async function gatherFacts(conn: Connection, become: BecomeSpec | false = false): Promise<Vars> {
  return factVars(await gatherRawFacts(conn, become)) as Vars;
}
