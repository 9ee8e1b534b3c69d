import { CHANGED_MARK, CHANGED_RC } from '../../connection/files.js';
import { ModuleFailure } from '../types.js';

// Read-modify-write modules (lineinfile, blockinfile, sysctl, ...) plan their change from the
// file as they read it. Another writer (a second tsplay run, a package script) may change the
// file between that read and the apply; writing the plan then would silently drop the other
// change (Ansible does). So the apply step commits only if the file still has the checksum the
// plan was made from (connection/files.ts, ssh/helper.ts), and otherwise exits with CHANGED_RC;
// the module then reads the file again and plans again, a bounded number of times.

export type { BasedOn } from '../../connection/types.js';

/** The apply step refused to commit: the destination is no longer what the plan was made from. */
export class ChangedMeanwhile extends ModuleFailure {
  constructor(readonly path: string) {
    super(`${path} changed on the host after it was read; nothing was written`);
    this.name = 'ChangedMeanwhile';
  }
}

/** True for an apply step's result that reports a changed destination. */
export function isChangedMeanwhile(res: { rc: number; stderr: string }): boolean {
  return res.rc === CHANGED_RC && res.stderr.includes(CHANGED_MARK);
}

/**
 * Tries in all. Not 5 with a short back-off: two runs adding lines to one file over sh lost 5
 * times in a row (the other run's next write nearly always lands inside our read-to-write
 * window while it is busy), so the back-off doubles (12-25 ms, then up to 0.8-1.6 s; about 3 s
 * at most in all) and a loser soon waits until the other writer's burst is over.
 */
export const REPLAN_TRIES = 8;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `attempt` (read, plan, apply) until it does not meet a concurrent change, at most
 * REPLAN_TRIES times, with a random, doubling back-off so two runs that collided do not collide
 * again in step. Fails clearly when the file never held still.
 */
export async function withReplan<T>(what: string, attempt: () => Promise<T>, log?: (message: string) => void): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ChangedMeanwhile)) throw e;
      if (n >= REPLAN_TRIES) {
        throw new ModuleFailure(
          `${what}: ${e.path} was changed by something else between tsplay reading it and writing it, ${n} times in a row; ` +
            'nothing was written, so no change was lost. Find what else writes this file, or run again.',
        );
      }
      log?.(`${e.path} changed on the host after it was read; reading it again (try ${n + 1} of ${REPLAN_TRIES})`);
      const step = 25 * 2 ** (n - 1);
      await sleep(step / 2 + (Math.random() * step) / 2);
    }
  }
}
