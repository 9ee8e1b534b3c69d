import type { ClientChannel } from 'ssh2';

// A command's timeout, the same for one-off channels and persistent shells: the host's coreutils
// `timeout` ends it (rc 124, or 137 when `-k` had to kill), and a backstop on the controller,
// 3 s later, kills the channel of a host that stops answering altogether.

/** Whether a command that ended with `rc` was ended by its timeout. */
export function endedByTimeout(rc: number | null | undefined, timeoutMs: number | undefined, started: number): boolean {
  return !!timeoutMs && (rc === 124 || rc === 137) && Date.now() - started >= timeoutMs;
}

export function timeoutNote(timeoutMs: number | undefined): string {
  return `\ncommand timed out after ${timeoutMs} ms`;
}

/** Ends whatever runs on the channel (sshd passes the signal on) and the channel itself. */
export function killChannel(ch: ClientChannel): void {
  try {
    ch.signal('KILL');
  } catch {
    /* channel already gone */
  }
  ch.close();
}

export interface Backstop {
  readonly fired: boolean;
  clear(): void;
}

/** Calls `fire` 3 s after `timeoutMs` unless cleared first; no timeout, no backstop. */
export function backstop(timeoutMs: number | undefined, fire: () => void): Backstop {
  const state = { fired: false, clear: () => undefined as void };
  if (!timeoutMs) return state;
  const t = setTimeout(() => {
    state.fired = true;
    fire();
  }, timeoutMs + 3000);
  state.clear = () => clearTimeout(t);
  return state;
}
