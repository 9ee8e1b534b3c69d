import { expect } from 'chai';
import { command } from '../../lib/modules/command.js';
import type { CommandArgs } from '../../lib/modules/command.js';
import { splitArgs } from '../../lib/modules/common/command.js';
import { shell } from '../../lib/modules/shell.js';
import type { ShellArgs } from '../../lib/modules/shell.js';
import type { Case } from './harness.js';
import { runCases } from './harness.js';

// command and shell run real processes through a LocalConnection. A command that ran reports
// changed (like Ansible; changedWhen overrides that in the executor), so no case is re-run.

/** 'YYYY-MM-DD HH:MM:SS.ffffff' (local time, as Ansible prints it) as epoch ms. */
const parseStamp = (s: unknown): number => {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})000$/.exec(String(s));
  if (!m) throw new Error(`not an Ansible timestamp: ${String(s)}`);
  const [y, mo, d, h, mi, sec, ms] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, sec, ms).getTime();
};

/** start and end lie around now, and delta is end - start written H:MM:SS.ffffff */
function timings(r: Record<string, unknown>, atLeastMs: number): void {
  const start = parseStamp(r.start);
  const end = parseStamp(r.end);
  expect(Math.abs(Date.now() - start)).to.be.below(60_000);
  expect(end).to.be.at.least(start);
  const ms = end - start;
  expect(ms).to.be.at.least(atLeastMs);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  expect(r.delta).to.equal(`${Math.floor(ms / 3600000)}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}000`);
}

const commandCases: Case<CommandArgs>[] = [
  {
    name: 'a plain string runs with rc, stdout, stdout_lines and timings',
    args: () => 'printf "a\\nb\\n"',
    expect: {
      changed: true,
      result: { rc: 0, stdout: 'a\nb', stdout_lines: ['a', 'b'], stderr: '', cmd: ['printf', 'a\\nb\\n'] },
      resultFn: (r) => timings(r, 0),
    },
  },
  {
    name: 'a second-long command: delta counts the seconds; trailing newlines and CRs are cut from stdout and stderr',
    args: () => ({ argv: ['sh', '-c', 'sleep 1.1; printf "a\\n\\r\\n\\n"; printf "e\\r\\n" >&2'] }),
    expect: { changed: true, result: { stdout: 'a', stdout_lines: ['a'], stderr: 'e', stderr_lines: ['e'] }, resultFn: (r) => timings(r, 1000) },
  },
  {
    name: 'no shell features: a pipe is a literal argument',
    args: () => ({ cmd: 'echo a | wc -c' }),
    expect: { changed: true, result: { stdout: 'a | wc -c' } },
  },
  {
    name: 'argv is used as is ($HOME is not expanded)',
    args: () => ({ argv: ['echo', '$HOME', 'two words'] }),
    expect: { changed: true, result: { stdout: '$HOME two words' } },
  },
  {
    name: 'quotes group words like a shell',
    args: () => ({ cmd: `printf '%s|' "a b" 'c d' e\\ f` }),
    expect: { changed: true, result: { stdout: 'a b|c d|e f|' } },
  },
  {
    name: 'non-zero rc fails with "non-zero return code" and keeps stderr',
    args: () => ({ argv: ['sh', '-c', 'echo oops >&2; exit 3'] }),
    expect: { changed: true, failed: true, result: { rc: 3, stderr: 'oops', stderr_lines: ['oops'], msg: 'non-zero return code' } },
  },
  {
    name: 'a missing program fails with rc 127',
    args: () => 'no-such-program-tsplay',
    expect: { changed: true, failed: true, result: { rc: 127 } },
  },
  {
    name: 'creates: skipped when the path exists',
    given: { done: 'x' },
    args: (d) => ({ cmd: `touch ${d}/ran`, creates: `${d}/done` }),
    expect: {
      changed: false,
      resultFn: (r, d) => {
        expect(r.msg).to.equal(`Did not run command since '${d}/done' exists`);
        expect([r.stdout, r.stdout_lines, r.rc, r.stderr_lines]).to.deep.equal([`skipped, since ${d}/done exists`, [`skipped, since ${d}/done exists`], 0, []]);
      },
      state: { ran: { absent: true } },
    },
  },
  {
    name: 'creates with a glob: skipped when anything matches',
    given: { 'out-1.log': 'x' },
    args: (d) => ({ cmd: `touch ${d}/ran`, creates: `${d}/out-*.log` }),
    expect: { changed: false, state: { ran: { absent: true } } },
  },
  {
    name: 'creates: runs when the path is missing',
    args: (d) => ({ cmd: `touch ${d}/done`, creates: `${d}/done` }),
    expect: { changed: true, state: { done: '' } },
  },
  {
    name: 'removes: runs only when the path exists',
    given: { old: 'x' },
    args: (d) => ({ cmd: `rm ${d}/old`, removes: `${d}/old` }),
    expect: { changed: true, state: { old: { absent: true } } },
  },
  {
    name: 'removes: skipped when the path is missing',
    args: (d) => ({ cmd: `touch ${d}/ran`, removes: `${d}/old` }),
    expect: {
      changed: false,
      resultFn: (r, d) => {
        expect(r.msg).to.equal(`Did not run command since '${d}/old' does not exist`);
        expect([r.stdout, r.stdout_lines]).to.deep.equal([`skipped, since ${d}/old does not exist`, [`skipped, since ${d}/old does not exist`]]);
      },
      state: { ran: { absent: true } },
    },
  },
  {
    name: 'chdir: runs in that directory, and creates is relative to it',
    given: { 'work/marker': 'x' },
    args: (d) => ({ cmd: 'ls', chdir: `${d}/work`, creates: 'nothing-here' }),
    expect: { changed: true, result: { stdout: 'marker' } },
  },
  {
    name: 'chdir to a missing directory fails clearly',
    args: (d) => ({ cmd: 'ls', chdir: `${d}/missing` }),
    expect: { failed: true, changed: false, resultFn: (r) => expect(String(r.msg)).to.match(/^Unable to change directory before execution: .*missing does not exist/) },
  },
  {
    name: 'env: variables reach the program',
    args: () => ({ argv: ['sh', '-c', 'echo "$GREETING $NAME"'], env: { GREETING: 'hello', NAME: "o'brien $x" } }),
    expect: { changed: true, result: { stdout: "hello o'brien $x" } },
  },
  {
    name: 'stdin is fed with a trailing newline by default',
    args: () => ({ argv: ['od', '-An', '-c'], stdin: 'hi' }),
    expect: { changed: true, resultFn: (r) => expect(String(r.stdout).replace(/\s+/g, ' ').trim()).to.equal('h i \\n') },
  },
  {
    name: 'stdin_add_newline=false feeds stdin as is',
    args: () => ({ argv: ['wc', '-c'], stdin: 'hi', stdin_add_newline: false }),
    expect: { changed: true, result: { stdout: '2' } },
  },
  {
    name: 'check mode: skipped without running',
    check: true,
    args: (d) => `touch ${d}/ran`,
    expect: { changed: false, result: { skipped: true, msg: 'skipped in check mode' }, state: { ran: { absent: true } } },
  },
  {
    name: 'check mode with creates missing: would run (changed), nothing runs',
    check: true,
    args: (d) => ({ cmd: `touch ${d}/ran`, creates: `${d}/done` }),
    expect: { changed: true, result: { msg: 'Command would have run if not in check mode' }, state: { ran: { absent: true } } },
  },
  {
    name: 'check mode with creates present: ok, not skipped',
    check: true,
    given: { done: 'x' },
    args: (d) => ({ cmd: `touch ${d}/ran`, creates: `${d}/done` }),
    expect: { changed: false, resultFn: (r) => expect(r.skipped).to.equal(undefined) },
  },
  {
    name: 'an unterminated quote fails clearly',
    args: () => ({ cmd: `echo 'oops` }),
    expect: { error: /no closing quotation/ },
  },
  {
    name: 'cmd and argv together are refused',
    args: () => ({ cmd: 'ls', argv: ['ls'] }),
    expect: { error: /cmd or argv, not both/ },
  },
  {
    name: 'an invalid env name is rejected by the schema',
    args: () => ({ cmd: 'true', env: { 'BAD-NAME': 'x' } }),
    expect: { error: /invalid args/ },
  },
  {
    name: 'a typo in an argument is rejected by the schema',
    args: () => ({ cmd: 'true', creats: '/x' }) as unknown as CommandArgs,
    expect: { error: /invalid args/ },
  },
];

const shellCases: Case<ShellArgs>[] = [
  {
    name: 'pipes, redirects and variables work',
    args: (d) => ({ cmd: `echo "$((1+2))" | tee ${d}/out > /dev/null; cat ${d}/out` }),
    expect: { changed: true, result: { stdout: '3', rc: 0 }, resultFn: (r) => expect(typeof r.cmd).to.equal('string') },
  },
  {
    name: 'a plain string is the script',
    args: () => 'echo one; echo two >&2; exit 4',
    expect: { changed: true, failed: true, result: { rc: 4, stdout: 'one', stderr: 'two', msg: 'non-zero return code' } },
  },
  {
    name: 'executable picks the shell',
    args: () => ({ cmd: 'echo "$0"', executable: '/bin/bash' }),
    expect: { changed: true, result: { stdout: '/bin/bash' } },
  },
  {
    name: 'exit inside the script does not skip the result',
    args: () => ({ cmd: 'exit 0' }),
    expect: { changed: true, result: { rc: 0 } },
  },
  {
    name: 'creates, chdir, env and stdin together',
    given: { w: { dir: true } },
    args: (d) => ({ cmd: 'read x; echo "$x-$V" > result; cat result', chdir: `${d}/w`, creates: 'result', env: { V: 'v' }, stdin: 'in' }),
    // the second run finds w/result and does not run again
    expect: { changed: true, idempotent: true, result: { stdout: 'in-v' }, state: { 'w/result': 'in-v\n' } },
  },
  {
    name: 'check mode: skipped without running',
    check: true,
    args: (d) => `touch ${d}/ran`,
    expect: { changed: false, result: { skipped: true }, state: { ran: { absent: true } } },
  },
];

describe('command module', () => runCases(command.def, commandCases, { rerun: false }));
describe('shell module', () => runCases(shell.def, shellCases, { rerun: false }));

describe('command line splitting (shlex rules)', () => {
  const rows: [string, string[]][] = [
    ['a b  c', ['a', 'b', 'c']],
    [`'a b' "c d"`, ['a b', 'c d']],
    [`a\\ b`, ['a b']],
    [`"a\\"b" 'x\\y'`, ['a"b', 'x\\y']],
    [`''`, ['']],
    [`a"b"c`, ['abc']],
    [`  `, []],
  ];
  for (const [input, want] of rows) it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => expect(splitArgs(input)).to.deep.equal(want));
});
