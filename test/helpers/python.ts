import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

// Tables proved by Python itself: one run over every row, JSON in and out.

/** Debian's python3, which carries ansible-core (a pyenv python3 earlier in PATH may not). */
export const ANSIBLE_PYTHON = '/usr/bin/python3';

/**
 * Runs `python ARGS` (['-c', code] or [script]) with `input` as JSON on stdin and returns its
 * stdout read as JSON; a run that does not exit 0 fails the test with Python's stderr.
 */
export function pythonJson<T>(args: string[], input: unknown, python = 'python3'): T {
  const p = spawnSync(python, args, { input: JSON.stringify(input), encoding: 'utf8' });
  expect(p.status, p.stderr).to.equal(0);
  return JSON.parse(p.stdout) as T;
}
