import type { HostStats, HostStatus } from '../report/events.js';
import type { Vars } from '../dsl/types.js';

/** What the run knows about one host: facts, registered results, whether it left the play. */
export class HostState {
  facts: Vars = {};
  /** results by task id (typed refs) */
  readonly results = new Map<number, Vars>();
  /** results by `register` name and set_fact values */
  registered: Vars = {};
  /** failed in the current play: skips the rest of it */
  failed = false;
  unreachable = false;
  /** handler names notified in the current batch */
  readonly notified = new Set<string>();
  readonly stats: HostStats = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 };
  /** roles whose vars were validated on this host (once per host and role) */
  /** declared role variables already validated on this host, per role (executor/rolecheck.ts) */
  readonly validatedRoleVars = new Map<object, Set<string>>();
  gathered = false;
  /** a module ran on it or a result was counted for it (a stopped run's recap lists only these) */
  touched = false;

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable;
  }

  /** Ansible's recap arithmetic: `changed` is also ok; an ignored failure is ok too, and changed when the module changed something. */
  count(status: HostStatus, changed = false): void {
    this.touched = true;
    switch (status) {
      case 'changed':
        this.stats.ok++;
        this.stats.changed++;
        break;
      case 'ignored':
        this.stats.ok++;
        this.stats.ignored++;
        if (changed) this.stats.changed++;
        break;
      default:
        this.stats[status]++;
    }
  }
}
