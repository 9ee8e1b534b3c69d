// Python's shlex.split(line, comments=True) in POSIX mode, which Ansible's INI plugin uses to cut
// a host line into the host name and its `key=value` tokens. Quotes group, backslash escapes,
// and `#` starts a comment even in the middle of a word.

const WHITESPACE = ' \t\r\n';

/** Split like shlex.split(..., comments=True). Throws Error('No closing quotation') etc. */
export function shlexSplit(line: string): string[] {
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
      if (c === '#') { emit(); break; } // the rest of the line is a comment
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
