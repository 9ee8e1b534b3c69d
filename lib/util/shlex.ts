// Python's shlex.split in POSIX mode, which Ansible uses wherever it cuts a line into words: the
// INI plugin's host lines (with comments: `#` starts a comment even mid-word), the command
// module's argv, ssh_common_args. Quotes group, backslash escapes.

const WHITESPACE = ' \t\r\n';

/** Split like shlex.split(line, comments=...). Throws Error('No closing quotation') etc. */
export function shlexSplit(line: string, opts: { comments?: boolean } = {}): string[] {
  const out: string[] = [];
  let token = '';
  let quoted = false;
  let state: ' ' | 'a' | "'" | '"' | '\\' = ' ';
  let escapedState: 'a' | "'" | '"' = 'a';
  const emit = (): void => {
    if (token !== '' || quoted) out.push(token);
    token = '';
    quoted = false;
  };
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line[i] : '';
    if (state === ' ' || state === 'a') {
      if (c === '') { emit(); break; }
      if (WHITESPACE.includes(c)) { if (state === 'a') emit(); state = ' '; continue; }
      if (c === '#' && opts.comments) { emit(); break; } // the rest of the line is a comment
      if (c === "'" || c === '"') { state = c; continue; }
      if (c === '\\') { escapedState = 'a'; state = '\\'; continue; }
      token += c;
      state = 'a';
      continue;
    }
    if (state === "'" || state === '"') {
      quoted = true;
      if (c === '') throw new Error('No closing quotation');
      if (c === state) { state = 'a'; continue; }
      if (state === '"' && c === '\\') { escapedState = '"'; state = '\\'; continue; }
      token += c;
      continue;
    }
    // after a backslash
    if (c === '') throw new Error('No escaped character');
    // inside double quotes a backslash only escapes `"` and `\`; elsewhere it is kept
    if (escapedState === '"' && c !== '\\' && c !== '"') token += '\\';
    token += c;
    state = escapedState;
  }
  return out;
}
