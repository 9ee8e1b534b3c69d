// POSIX shell quoting: every value that reaches a remote shell goes through here.

/**
 * A value a shell cannot carry: a shell script is a C string, so a NUL byte ends it (sh drops or
 * stops at it, and `/etc/a\0b` would reach the host as `/etc/ab`, another file). Thrown, never
 * worked around; the executor reports it as the task's failure.
 */
export class ShellValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellValueError';
  }
}

export function shq(value: string | number): string {
  return shqNamed(value);
}

/** shq, with `role` naming what the value is (say "argument 'path'") in the error for a NUL byte. */
export function shqNamed(value: string | number, role?: string): string {
  const s = String(value);
  if (s.includes('\0')) {
    throw new ShellValueError(
      `${role ? `${role} ` : 'a value '}${JSON.stringify(s)} contains a NUL byte (\\u0000), which no command on the host can receive; remove it`,
    );
  }
  if (s !== '' && /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function shJoin(argv: (string | number)[], role?: string): string {
  return argv.map((a) => shqNamed(a, role)).join(' ');
}
