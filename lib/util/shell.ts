// POSIX shell quoting: every value that reaches a remote shell goes through here.
export function shq(value: string | number): string {
  const s = String(value);
  if (s !== '' && /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function shJoin(argv: (string | number)[]): string {
  return argv.map(shq).join(' ');
}
