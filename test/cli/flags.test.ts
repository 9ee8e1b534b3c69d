import { expect } from 'chai';
import { RUN_OPTIONS } from '../../lib/cli/args.js';
import { HELP } from '../../lib/cli/help.js';
import { main } from '../../lib/cli/main.js';
import { planRun } from '../../lib/cli/runplan.js';
import { listTasks } from '../../lib/cli/listing.js';
import { debug, playbook } from '../../lib/index.js';
import { loadInventory } from '../../lib/inventory/index.js';

// Every flag `tsplay run` accepts is in --help and does something: a flag the parser takes but
// nothing reads would be accepted and silently ignored (issue 10: --syntax-check ran everything).

type Flag = keyof typeof RUN_OPTIONS;

/**
 * How each flag shows its effect on the run's plan, or `main` for flags the CLI entry handles.
 * A flag that only exists for ansible-playbook users would be `compat` (its --help line must say
 * "accepted for compatibility"); a new parser flag without an entry here fails the walk.
 */
const PROBES: Record<Flag, string[] | 'main' | 'compat'> = {
  inventory: ['-i', 'hosts.ini'],
  limit: ['-l', 'web1'],
  check: ['-C'],
  diff: ['-D'],
  'extra-vars': ['-e', 'a=1'],
  forks: ['-f', '3'],
  tags: ['-t', 'x'],
  'skip-tags': ['--skip-tags', 'x'],
  'start-at-task': ['--start-at-task', 'x'],
  step: ['--step'],
  'force-handlers': ['--force-handlers'],
  'list-tasks': ['--list-tasks'],
  'list-hosts': ['--list-hosts'],
  'list-tags': ['--list-tags'],
  'syntax-check': ['--syntax-check'],
  become: ['-b'],
  'become-user': ['--become-user', 'bob'],
  'become-method': ['--become-method', 'sudo'],
  'ask-become-pass': ['-K'],
  'ask-pass': ['-k'],
  user: ['-u', 'bob'],
  connection: ['-c', 'local'],
  'private-key': ['--private-key', 'k'],
  'key-file': ['--key-file', 'k'],
  'known-hosts': ['--known-hosts', 'kh'],
  'host-key-checking': ['--host-key-checking', 'accept-new'],
  timeout: ['-T', '3'],
  json: ['--json'],
  verbose: ['-v'],
  'no-retry-file': ['--no-retry-file'],
  'no-color': ['--no-color'],
  'vault-id': ['--vault-id', 'lab@pw.txt'],
  'vault-password-file': ['--vault-password-file', 'pw.txt'],
  'vault-pass-file': ['--vault-pass-file', 'pw.txt'],
  'ask-vault-pass': ['-J'],
  'ask-vault-password': ['--ask-vault-password'],
  help: 'main',
};

/** The `run options` section of --help: each `--flag` it names, and `-x, --flag` pairs. */
function helpFlags(): { long: Set<string>; short: Map<string, string>; lines: Map<string, string> } {
  // run's own options, then the vault options it shares with other commands (not `vault only`)
  const section = HELP.slice(HELP.indexOf('run options'), HELP.indexOf('tsplay vault only:'));
  const long = new Set([...section.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]));
  const short = new Map([...section.matchAll(/(?<![\w-])-(\w), --([a-z][a-z-]*)/g)].map((m) => [m[2], m[1]]));
  const lines = new Map<string, string>();
  for (const line of section.split('\n')) for (const m of line.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)) if (!lines.has(m[1])) lines.set(m[1], line);
  return { long, short, lines };
}

describe('tsplay run: every accepted flag is documented and has an effect', () => {
  const flags = Object.keys(RUN_OPTIONS) as Flag[];

  it('--help names exactly the flags the parser accepts, with the same short forms', () => {
    const { long, short } = helpFlags();
    expect([...long].sort()).to.deep.equal([...flags].sort());
    for (const f of flags) {
      const s = (RUN_OPTIONS[f] as { short?: string }).short;
      expect(short.get(f), `--${f}'s short form in --help`).to.equal(s);
    }
  });

  it('the walk covers every flag of the parser', () => {
    expect(Object.keys(PROBES).sort()).to.deep.equal([...flags].sort());
  });

  for (const flag of Object.keys(PROBES) as Flag[]) {
    const probe = PROBES[flag];
    it(`--${flag} ${probe === 'compat' ? 'says in --help it is accepted for compatibility' : 'changes what the run does'}`, async () => {
      if (probe === 'compat') {
        expect(helpFlags().lines.get(flag)).to.match(/accepted for compatibility/);
      } else if (probe === 'main') {
        const out: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
        try {
          expect(await main(['run', 'pb.ts', `--${flag}`])).to.equal(0);
        } finally {
          process.stdout.write = write;
        }
        expect(out.join('')).to.equal(HELP);
      } else {
        const base = planRun(['pb.ts'], process.cwd());
        const withFlag = planRun(['pb.ts', ...probe], process.cwd());
        expect(JSON.stringify(withFlag), `--${flag} left the plan as it was`).not.to.equal(JSON.stringify(base));
      }
    });
  }

  it('a flag value that cannot work is refused before anything loads', () => {
    expect(() => planRun(['pb.ts', '-T', 'soon'], process.cwd())).to.throw(/--timeout soon/);
    expect(() => planRun(['pb.ts', '-f', '0'], process.cwd())).to.throw(/--forks 0/);
    expect(() => planRun(['pb.ts', '-c', 'winrm'], process.cwd())).to.throw(/-c winrm/);
  });

  it('--list-tasks honours --tags and --skip-tags, as ansible-playbook --list-tasks does', async () => {
    const pb = playbook('tags', [
      {
        hosts: 'all',
        tasks: (t) => {
          t.task('tagged a', debug({ msg: 'a' }), { tags: ['a'] });
          t.task('tagged b', debug({ msg: 'b' }), { tags: ['b'] });
          t.task('always', debug({ msg: 'c' }), { tags: ['always'] });
        },
      },
    ]);
    const inv = await loadInventory(['h1,']);
    const listed = (tags: string[], skipTags: string[]): string[] => {
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
      try {
        listTasks(pb, inv, undefined, process.cwd(), { tags, skipTags });
      } finally {
        process.stdout.write = write;
      }
      return [...out.join('').matchAll(/^ {6}(.+?)\t/gm)].map((m) => m[1]);
    };
    expect(listed([], [])).to.deep.equal(['tagged a', 'tagged b', 'always']);
    expect(listed(['a'], [])).to.deep.equal(['tagged a', 'always']);
    expect(listed([], ['a'])).to.deep.equal(['tagged b', 'always']);
  });

  it('other commands refuse a flag they would ignore', async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    const codes: number[] = [];
    try {
      codes.push(await main(['inventory', '-i', 'h1,h2,', '--list', '--limit', 'h1']));
      codes.push(await main(['inventory', '-i', 'h1,h2,', '--list', '--vars']));
      codes.push(await main(['inventory', '-i', 'h1,h2,', '--list', '--host', 'h1']));
      codes.push(await main(['lab', 'status', '-i', 'inventory/lab/lab.ini', '--limit', 'x']));
    } finally {
      process.stderr.write = write;
    }
    expect(codes).to.deep.equal([1, 1, 1, 1]);
    expect(err.join('')).to.match(/--limit works with --list-hosts/).and.match(/--vars works with --graph only/).and.match(/--list and --host/).and.match(/--limit works with 'lab up' only/);
  });
});
