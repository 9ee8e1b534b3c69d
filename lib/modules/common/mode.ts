import { ModuleFailure } from '../types.js';

// File modes as users write them: octal strings ('0644', '755') or Ansible/chmod symbolic
// clauses ('u=rw,g=r,o=r', 'a+x', 'g-w,o='). Symbolic modes are resolved on the controller
// against the current mode, so the planned mode is known before anything is applied.

const WHO_BITS: Record<string, { r: number; w: number; x: number; s: number; t: number }> = {
  u: { r: 0o400, w: 0o200, x: 0o100, s: 0o4000, t: 0 },
  g: { r: 0o040, w: 0o020, x: 0o010, s: 0o2000, t: 0 },
  o: { r: 0o004, w: 0o002, x: 0o001, s: 0, t: 0o1000 },
};

/** '0644' style, like Ansible's stat (4 digits, setuid/setgid/sticky in the first). */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** An octal mode ('644', '0755'); anything else is symbolic (u+rwX,go-w). */
export function isOctal(spec: string): boolean {
  return /^[0-7]+$/.test(spec.trim());
}

/**
 * The mode `spec` asks for, given the current mode (or the default for a new file/dir).
 * Throws ModuleFailure naming the bad spec.
 */
export function resolveMode(spec: string, current: number, isDir: boolean, path: string): number {
  const s = spec.trim();
  if (isOctal(s)) {
    const n = parseInt(s, 8);
    if (n > 0o7777) throw bad(spec, path);
    return n;
  }
  let mode = current & 0o7777;
  for (const clause of s.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!m) throw bad(spec, path);
    const who = (m[1] === '' || m[1].includes('a') ? 'ugo' : m[1]).split('');
    for (const action of m[2].match(/[-+=][rwxXstugo]*/g) ?? []) {
      const op = action[0];
      const perms = action.slice(1);
      let bits = 0;
      let mask = 0;
      for (const w of who) {
        const b = WHO_BITS[w];
        mask |= b.r | b.w | b.x | b.s | b.t;
        for (const p of perms) {
          if (p === 'r' || p === 'w' || p === 'x') bits |= b[p];
          else if (p === 'X') bits |= isDir || (current & 0o111) !== 0 ? b.x : 0;
          else if (p === 's') bits |= b.s;
          else if (p === 't') bits |= b.t;
          else {
            // copy another class's permissions: 'g=u'
            const src = WHO_BITS[p];
            const has = (x: number): boolean => (current & x) !== 0;
            bits |= (has(src.r) ? b.r : 0) | (has(src.w) ? b.w : 0) | (has(src.x) ? b.x : 0);
          }
        }
      }
      if (op === '+') mode |= bits;
      else if (op === '-') mode &= ~bits;
      else mode = (mode & ~mask) | bits;
    }
  }
  return mode;
}

function bad(spec: string, path: string): ModuleFailure {
  return new ModuleFailure(
    `${path}: invalid mode '${spec}': use an octal string such as '0644' or symbolic clauses such as 'u=rw,g=r,o=r'`,
  );
}
