// Issue 14, "a newcomer's first hour": the CLI habits a new user (and a daily Ansible user) tries
// first, through the real bin/tsplay.js in a child process; Ansible's side where it defines the
// behaviour (test/helpers/ansible-playbook.ts).
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';
import { COMMAND_HELP } from '../../lib/cli/help.js';

const ROOT = process.cwd();

function tsplay(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsplay.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('a newcomer at the tsplay command line', function () {
  this.timeout(120000);
  // playbooks live in the project (they import lib/); scratch files beside them
  const dir = mkdtempSync(join(ROOT, 'test', '.newcomer-'));
  const rel = (f: string): string => join(dir.slice(ROOT.length + 1), f);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
    return rel(name);
  };

  it('tsplay with no arguments prints usage on stderr and fails', () => {
    const r = tsplay([]);
    expect(r.code).to.equal(1);
    expect(r.out).to.equal('');
    expect(r.err).to.match(/^tsplay: typed TypeScript playbooks/);
    expect(r.err).to.include('usage:');
  });

  it('-V and --version print the version', () => {
    for (const flag of ['-V', '--version']) {
      const r = tsplay([flag]);
      expect(r.code).to.equal(0);
      expect(r.out).to.match(/^tsplay \d+\.\d+\.\d+\n {2}node v20\./);
    }
  });

  it('every command has its own --help, exit 0', () => {
    for (const cmd of ['run', 'check', 'inventory', 'template', 'new', 'lab', 'vault', 'report', 'completion']) {
      const r = tsplay([cmd, '--help']);
      expect(r.code, cmd).to.equal(0);
      expect(r.out, cmd).to.equal(COMMAND_HELP[cmd]);
      expect(r.out, cmd).to.include(`tsplay ${cmd}`);
    }
    expect(tsplay(['help', 'inventory']).out).to.equal(COMMAND_HELP.inventory);
  });

  it('tsplay completion bash completes commands, sub-words and run flags in a real bash', () => {
    const script = tsplay(['completion', 'bash']).out;
    const complete = (words: string[]): string => {
      const r = spawnSync('bash', ['--norc', '-c', `eval "$SCRIPT"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tsplay; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8', env: { ...process.env, SCRIPT: script } });
      return r.stdout.trim();
    };
    expect(complete(['tsplay', 'ru'])).to.equal('run');
    expect(complete(['tsplay', 'lab', 'st'])).to.equal('status');
    expect(complete(['tsplay', 'run', 'x.ts', '--start'])).to.equal('--start-at-task');
    expect(complete(['tsplay', 'run', 'x.ts', '--ask-b'])).to.equal('--ask-become-pass');
    const zsh = tsplay(['completion', 'zsh']);
    expect(zsh.out).to.match(/^#compdef tsplay\n/);
    expect(zsh.out).to.include('bashcompinit');
    expect(tsplay(['completion', 'fish']).err).to.include('usage: tsplay completion bash|zsh');
  });

  it('a YAML playbook says tsplay playbooks are TypeScript and how to start one', () => {
    const f = write('site.yml', '- hosts: all\n  tasks:\n    - debug: msg=hi\n');
    const r = tsplay(['run', f, '-i', 'localhost,']);
    expect(r.code).to.equal(1);
    expect(r.err).to.equal(`ERROR: ${f} is a YAML playbook; tsplay playbooks are TypeScript modules: 'tsplay new playbook NAME' writes playbooks/NAME.ts to start from (README "Writing a playbook"), then 'tsplay check playbooks/NAME.ts' and 'tsplay run playbooks/NAME.ts -i INVENTORY'\n`);
  });

  it('tsplay new playbook writes one that type-checks and runs', function () {
    this.timeout(300000); // tsc on a shared, busy machine
    const r = tsplay(['new', 'playbook', 'hello', '--dir', rel('pb')]);
    expect(r.code, r.err).to.equal(0);
    expect(tsplay(['check', rel('pb/hello.ts')]).code).to.equal(0);
    const run = tsplay(['run', rel('pb/hello.ts'), '-i', 'localhost,', '-c', 'local', '--no-retry-file']);
    expect(run.code, run.err).to.equal(0);
    expect(run.out).to.match(/ok: \[localhost\] => \{\n {4}"msg": "localhost: .*load average/);
  });

  it('run without -i suggests the lab inventory, never the production sample', () => {
    const f = write('noinv.ts', "import { playbook } from '../../lib/index.js';\nexport default playbook('p', []);\n");
    const r = tsplay(['run', f], dir);
    expect(r.code).to.equal(1);
    expect(r.err).to.include('-i inventory/lab/lab.ini for the local lab');
    expect(r.err).not.to.include('prod');
  });

  it('a throw inside tasks: names the playbook file and line', () => {
    const f = write('throws.ts', [
      "import { playbook, command } from '../../lib/index.js';",
      "export default playbook('p', [",
      "  { hosts: 'all', gatherFacts: false, tasks: (t) => {",
      "    t.task('a', command('true'));",
      "    throw new Error('boom in tasks');",
      '  } },',
      ']);',
      '',
    ].join('\n'));
    const r = tsplay(['run', f, '-i', 'localhost,', '-c', 'local']);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(new RegExp(`building its tasks failed at ${f.replace(/\./g, '\\.')}:5:\\d+: boom in tasks`));
  });

  const FAIL = [
    "import { playbook, command, shell } from '../../lib/index.js';",
    "export default playbook('p', [",
    "  { hosts: 'all', gatherFacts: false, tasks: (t) => {",
    "    t.task('fails', shell('for i in $(seq 1 30); do echo \"line $i\" >&2; done; exit 3'));",
    "    t.task('after', command('true'));",
    '  } },',
    ']);',
    '',
  ].join('\n');

  it('--start-at-task that matches no task is an error before anything runs', () => {
    const f = write('fail.ts', FAIL);
    const r = tsplay(['run', f, '-i', 'localhost,', '-c', 'local', '--start-at-task', 'nope*']);
    expect(r.code).to.equal(1);
    expect(r.out).to.equal('');
    expect(r.err).to.include(`--start-at-task 'nope*': no task of ${f} matches`);
    const ok = tsplay(['run', f, '-i', 'localhost,', '-c', 'local', '--start-at-task', 'aft*', '--no-retry-file']);
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.out).to.include('TASK [after]').and.not.include('TASK [fails]');
  });

  it('a failed command shows its rc and the tail of its stderr without -v', () => {
    const f = write('fail2.ts', FAIL);
    const r = tsplay(['run', f, '-i', 'localhost,', '-c', 'local', '--no-retry-file']);
    expect(r.code).to.equal(2);
    const lines = r.out.split('\n');
    const at = lines.indexOf('failed: [localhost]: non-zero return code (rc=3)');
    expect(at, r.out).to.be.above(0);
    expect(lines.slice(at + 1, at + 3)).to.deep.equal(['  ... (10 earlier lines)', '  line 11']);
    expect(lines[at + 21]).to.equal('  line 30');
  });

  it('a run where every host is unreachable ends with a recap naming each (text and --json)', () => {
    const f = write('facts.ts', "import { playbook, command } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'all', tasks: (t) => { t.task('a', command('true')); } }]);\n");
    // nothing listens on port 9 of these loopback addresses (labSubnet octet 105's range)
    const hosts = '127.0.105.1:9,127.0.105.2:9,';
    const r = tsplay(['run', f, '-i', hosts, '-T', '3', '--no-retry-file']);
    expect(r.code).to.equal(4);
    expect(r.out).to.match(/PLAY RECAP \*+\n127\.0\.105\.1 +: ok=0 +changed=0 +unreachable=1 .*\n127\.0\.105\.2 +: ok=0 +changed=0 +unreachable=1 /);
    const j = tsplay(['run', f, '-i', hosts, '-T', '3', '--no-retry-file', '--json']);
    const recap = j.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; hosts?: Record<string, { unreachable: number }> }).find((e) => e.type === 'recap');
    expect(recap?.hosts?.['127.0.105.1']?.unreachable).to.equal(1);
    expect(recap?.hosts?.['127.0.105.2']?.unreachable).to.equal(1);
  });

  it('-e @file: a duplicate key warns with file:line (the last wins) and an empty file is refused, as ansible-playbook does', async () => {
    const pb = write('show.ts', "import { playbook, debug } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('show', debug({ msg: 'k={{ k }}' })); } }]);\n");
    const dup = join(dir, 'dup.yml');
    writeFileSync(dup, 'k: 1\nother: x\nk: 2\n');
    writeFileSync(join(dir, 'empty.yml'), '');
    const r = tsplay(['run', pb, '-i', 'localhost,', '-c', 'local', '-e', `@${dup}`]);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include(`[WARNING]: While constructing a mapping from ${dup}:1:1, found a duplicate dict key (k) at line 3. Using last defined value only.`);
    expect(r.out).to.include('"msg": "k=2"');
    const e = tsplay(['run', pb, '-i', 'localhost,', '-c', 'local', '-e', `@${join(dir, 'empty.yml')}`]);
    expect(e.code).to.equal(1);
    expect(e.err).to.match(/empty\.yml is empty: Ansible refuses it too/);
    // ansible-playbook, same files
    writeFileSync(join(dir, 'show.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg="k={{ k }}"\n');
    const a = await ansiblePlaybook(dir, ['-i', 'localhost,', '-c', 'local', '-e', '@dup.yml', 'show.yml']);
    expect(a.out.replace(/\s+/g, ' ')).to.include(`found a duplicate dict key (k). Using last defined value only.`);
    expect(a.out).to.include('"msg": "k=2"');
    const ae = await ansiblePlaybook(dir, ['-i', 'localhost,', '-c', 'local', '-e', '@empty.yml', 'show.yml']);
    expect(ae.code).not.to.equal(0);
    expect(ae.out.replace(/\s+/g, ' ')).to.include('could not be made into a dictionary');
  });

  it('-K and -k ask once without echo (one stdin line each when there is no terminal); the answers are vars an inventory overrides, and never printed', async () => {
    const pb = write('pw.ts', "import { playbook, debug } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('show', debug({ msg: '{{ inventory_hostname }} become={{ ansible_become_password }} len={{ ansible_become_password | length }} ssh={{ ansible_password | length }} method={{ ansible_become_method }}' })); } }]);\n");
    const inv = join(dir, 'pw.ini');
    writeFileSync(inv, 'a ansible_connection=local\nb ansible_connection=local ansible_become_password=fromInventory42\n');
    // setsid: no controlling terminal, so the prompt falls back to stdin, as getpass does; stdin
    // stays open (a CI runner's), so each answer must be taken as its line arrives
    const child = spawn('setsid', [process.execPath, join(ROOT, 'bin/tsplay.js'), 'run', pb, '-i', inv, '-k', '-K', '--become-method', 'sudo'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.write('sshSecret-1234\nbecomeSecret-5678\n');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.destroy();
    const r = { status, stdout, stderr };
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include('SSH password: ').and.include('BECOME password[defaults to SSH password]: ');
    expect(r.stdout + r.stderr).not.to.include('becomeSecret-5678').and.not.include('sshSecret-1234').and.not.include('fromInventory42');
    expect(r.stdout).to.match(/"msg": "a become=\S+ len=17 ssh=14 method=sudo"/);
    expect(r.stdout).to.match(/"msg": "b become=\S+ len=15 ssh=14 method=sudo"/);
    expect(tsplay(['run', pb, '-i', inv, '--become-method', 'su']).err).to.include("--become-method su: tsplay's connections become with sudo only");
  });

  it('several playbooks make one run with one recap, as ansible-playbook a.yml b.yml', () => {
    const a = write('multi/a.ts', "import { playbook, command } from '../../../lib/index.js';\nexport default playbook('a', [{ name: 'first', hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('from a', command('true')); } }]);\n");
    const b = write('multi/b.ts', "import { playbook, command } from '../../../lib/index.js';\nexport default playbook('b', [{ name: 'second', hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('from b', command('true')); } }]);\n");
    const r = tsplay(['run', a, b, '-i', 'h1,', '-c', 'local', '--no-retry-file']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out.match(/^(PLAY|TASK) \[[^\]]+\]/gm)).to.deep.equal(['PLAY [first]', 'TASK [from a]', 'PLAY [second]', 'TASK [from b]']);
    expect(r.out.match(/PLAY RECAP/g)).to.have.length(1);
    expect(r.out).to.match(/^h1 +: ok=2 +changed=2 /m);
    const sc = tsplay(['run', a, b, '-i', 'h1,', '--syntax-check']);
    expect(sc.out).to.equal(`\nplaybook: ${a}\n\nplaybook: ${b}\n`);
    const c = write('other.ts', "import { playbook } from '../../lib/index.js';\nexport default playbook('c', []);\n");
    const elsewhere = tsplay(['run', a, c, '-i', 'h1,', '-c', 'local']);
    expect(elsewhere.err).to.include('is in another directory than');
  });

  it("tsplay template -e validates against the role's declared variables, as run does", () => {
    write('roles/myapp/index.ts', [
      "import { defineRole, roleVars, v, template } from '../../../../lib/index.js';",
      "export const myappVars = roleVars({ myapp_port: v.integer(), myapp_mode: v.enum('active', 'standby') });",
      'export default defineRole({',
      "  name: 'myapp', vars: myappVars, defaults: { myapp_port: 8080, myapp_mode: 'active' },",
      "  tasks: (t) => { t.task('config', template({ src: 'myapp.conf.njk', dest: '/tmp/myapp.conf' })); },",
      '});',
      '',
    ].join('\n'));
    const tpl = write('roles/myapp/templates/myapp.conf.njk', 'port = {{ myapp_port }}\nmode = {{ myapp_mode }}\n');
    const ok = tsplay(['template', tpl, '-i', 'h1,', '--host', 'h1', '-e', 'myapp_mode=standby']);
    expect(ok.code, ok.err).to.equal(0);
    expect(ok.out).to.equal('port = 8080\nmode = standby\n');
    const bad = tsplay(['template', tpl, '-i', 'h1,', '--host', 'h1', '-e', 'myapp_mode=x']);
    expect(bad.code).to.equal(1);
    expect(bad.err).to.equal(`ERROR: host h1, role myapp: variable 'myapp_mode' must be one of "active", "standby" (set it in the role's defaults, inventory, role params or -e)\n`);
  });

  it("hosts: '' names the playbook file and line", () => {
    const f = write('nohosts.ts', "import { playbook, command } from '../../lib/index.js';\nexport default playbook('p', [\n  { hosts: '', gatherFacts: false, tasks: (t) => { t.task('a', command('true')); } },\n]);\n");
    const r = tsplay(['run', f, '-i', 'h1,', '-c', 'local']);
    expect(r.code).to.equal(1);
    expect(r.err).to.match(new RegExp(`^ERROR: ${f.replace(/\./g, '\\.')}:2: play #1 '': option hosts \\(from ''\\): '' is not a non-empty host pattern`));
  });

  it('tsplay check refuses what tsplay run refuses at load time (empty file, 42, a plain object, a top-level throw or never-settling await, a throw in tasks)', function () {
    this.timeout(300000);
    const lib = "import { playbook, command } from '../../lib/index.js';\n";
    const cases: [string, string, RegExp][] = [
      ['c-empty.ts', '', /c-empty\.ts must export a playbook as its default export/],
      ['c-num.ts', 'export default 42;\n', /c-num\.ts must export a playbook as its default export/],
      ['c-obj.ts', "export default { name: 'x', plays: [] };\n", /c-obj\.ts must export a playbook as its default export/],
      ['c-throw.ts', `${lib}const ready: boolean = false;\nif (!ready) throw new Error('config missing');\nexport default playbook('p', []);\n`, /cannot load .*c-throw\.ts: config missing \(thrown at .*c-throw\.ts:3:\d+\)/],
      ['c-tla.ts', `${lib}await new Promise<void>(() => undefined);\nexport default playbook('p', []);\n`, /c-tla\.ts never finished loading: a top-level await in it \(or in a module it imports\) never settles/],
      ['c-tasks.ts', `${lib}export default playbook('p', [{ hosts: 'all', tasks: (t) => {\n  t.task('a', command('true'));\n  throw new Error('boom');\n} }]);\n`, /c-tasks\.ts: play #1: building its tasks failed at .*c-tasks\.ts:4:\d+: boom/],
    ];
    // one check of all six: the type check (the slow part) runs once
    const files = cases.map(([name, text]) => write(name, text));
    const r = tsplay(['check', ...files]);
    expect(r.code, r.out + r.err).to.equal(1);
    for (const [name, , want] of cases) expect(r.out, name).to.match(want);
    expect(r.err).to.include('type-checks, but 6 files would not load in tsplay run');
    for (const f of files) {
      const run = tsplay(['run', f, '-i', 'h1,', '-c', 'local', '--no-retry-file']);
      expect(run.code, `run ${f}: ${run.err}`).to.equal(1);
    }
  });
});
