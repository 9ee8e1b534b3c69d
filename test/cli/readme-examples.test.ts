import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { typeCheck } from '../../lib/cli/check.js';

// Issue 14: README's TypeScript examples compile, as the project's tsc compiles its own code.
// - A block whose first line is `// path/to/file.ts` is that file: it is written beside where it
//   would live (so its relative imports resolve) and type-checked there.
// - Any other block is a fragment of a play or of tasks: it is type-checked as the value of a
//   PlaySpec (a block starting with `{`) or as statements in a task builder, with every value
//   lib/index.ts exports in scope and the names its `// uses: a, b` line lists declared.

const REPO = process.cwd();
const LIB = join(REPO, 'lib/index.js');

interface Block {
  line: number;
  code: string;
}

function blocks(md: string): Block[] {
  const out: Block[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j].trim() !== '```') j++;
    out.push({ line: start + 1, code: lines.slice(start, j).join('\n') });
    i = j;
  }
  return out;
}

describe("README's TypeScript examples compile", function () {
  this.timeout(180000);
  it('every ```ts block type-checks (file blocks where they would live, fragments in a play)', async () => {
    const lib = (await import(LIB)) as Record<string, unknown>;
    const values = Object.keys(lib).filter((k) => k !== 'default');
    const found = blocks(readFileSync(join(REPO, 'README.md'), 'utf8'));
    expect(found.length, 'README has TypeScript examples').to.be.above(2);
    const written: string[] = [];
    const dirsMade: string[] = [];
    const origin = new Map<string, number>();
    try {
      for (const [n, b] of found.entries()) {
        const path = /^\/\/ ([\w./-]+\.ts)\s*$/.exec(b.code.split('\n')[0])?.[1];
        let file: string;
        let text: string;
        if (path) {
          const dir = join(REPO, dirname(path));
          if (!existsSync(dir)) {
            mkdirSync(dir, { recursive: true });
            dirsMade.push(dir);
          }
          file = join(dir, `.readme-example-${n}.ts`);
          text = b.code;
        } else {
          const uses = /^\/\/ uses: (.+)$/m.exec(b.code)?.[1].split(/,\s*/) ?? [];
          file = join(REPO, 'test', `.readme-example-${n}.ts`);
          const rel = relative(dirname(file), LIB).replace(/\\/g, '/');
          const prelude =
            `import { ${values.join(', ')} } from '${rel.startsWith('.') ? rel : `./${rel}`}';\n` +
            `import type { PlaySpec, RoleRef } from '${rel.startsWith('.') ? rel : `./${rel}`}';\n` +
            uses.map((u) => `declare const ${u}: RoleRef;\n`).join('') +
            `void [${values.join(', ')}];\n`;
          const body = b.code.replace(/^\s*\/\/.*\n/gm, '').trim();
          text = body.startsWith('{')
            ? `${prelude}export const play: PlaySpec = ${body.replace(/;$/, '')};\n`
            : `${prelude}export const tasks = (t: TaskBuilder): void => {\n${b.code}\n};\n`;
        }
        writeFileSync(file, text);
        written.push(file);
        origin.set(relative(REPO, file), b.line);
      }
      const { errors } = typeCheck(written);
      const mine = errors
        .map((e) => {
          const m = /^(\S+?):(\d+):\d+ /.exec(e);
          const at = m ? origin.get(m[1]) : undefined;
          return at === undefined ? undefined : `README.md block at line ${at}: ${e}`;
        })
        .filter((e): e is string => e !== undefined);
      expect(mine, mine.join('\n')).to.deep.equal([]);
    } finally {
      for (const f of written) rmSync(f, { force: true });
      for (const d of dirsMade.reverse()) rmSync(d, { recursive: true, force: true });
    }
  });
});
