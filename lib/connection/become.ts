import type { BecomeSpec, ExecResult } from './types.js';
import { shq } from '../util/shell.js';

// One round trip per become: the password goes first on stdin (sudo -S), the payload after it.
export interface BecomeWrap {
  script: string;
  stdinPrefix: string;
}

export function wrapBecome(script: string, become: BecomeSpec, loginUser: string): BecomeWrap | null {
  const user = become.user ?? 'root';
  if (user === loginUser) return null;
  const pw = become.password;
  const flags = pw !== undefined ? `-S -p ''` : '-n';
  return {
    script: `sudo -H ${flags} -u ${shq(user)} -- /bin/sh -c ${shq(script)}`,
    stdinPrefix: pw !== undefined ? `${pw}\n` : '',
  };
}

/** Recognise sudo's own refusal in a result so it becomes a clear per-host failure. */
export function becomeFailure(res: ExecResult): string | null {
  const e = res.stderr;
  if (res.rc === 0) return null;
  if (/incorrect password attempt|Sorry, try again/.test(e)) return 'become failed: incorrect sudo password';
  if (/a password is required/.test(e)) return 'become failed: sudo needs a password (set ansible_become_password)';
  if (/is not in the sudoers file|is not allowed to run sudo|may not run sudo/.test(e)) return 'become failed: user may not run sudo';
  if (/sudo: (command )?not found/.test(e)) return 'become failed: sudo is not installed on the host';
  return null;
}

/**
 * The controller's own sudo (local connection): the password reaches sudo through an askpass
 * helper reading it from the environment, so stdin stays the payload's alone and a sudo that
 * needs no password never sees it.
 */
export function wrapBecomeAskpass(script: string, become: BecomeSpec, loginUser: string, askpass: string): { script: string; env: Record<string, string> } | null {
  const user = become.user ?? 'root';
  if (user === loginUser) return null;
  if (become.password === undefined) return { script: `sudo -H -n -u ${shq(user)} -- /bin/sh -c ${shq(script)}`, env: {} };
  return {
    script: `sudo -H -A -u ${shq(user)} -- /bin/sh -c ${shq(script)}`,
    env: { SUDO_ASKPASS: askpass, TSPLAY_BECOME_PASSWORD: become.password },
  };
}
