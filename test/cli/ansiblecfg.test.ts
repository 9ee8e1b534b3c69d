// ansible.cfg and ANSIBLE_* side by side with Debian's ansible-config (ansible-core 2.14): the
// same file is found in the same order, paths resolve against the same directory, an environment
// variable beats the file; then a real run that takes its inventory and settings from the file.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findConfig, loadAnsibleConfig } from '../../lib/cli/ansiblecfg.js';
import { planRun } from '../../lib/cli/runplan.js';
import { sshOptionsFromVars } from '../../lib/connection/ssh.js';

/** ansible-config dump --only-changed in `cwd`: setting name -> [origin, value]. */
function ansibleConfig(cwd: string, env: NodeJS.ProcessEnv): Map<string, [string, string]> {
  const r = spawnSync('ansible-config', ['dump', '--only-changed'], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: env.HOME ?? '/nonexistent', ANSIBLE_LOCAL_TEMP: join(cwd, '.ansible-tmp'), ...env } });
  const out = new Map<string, [string, string]>();
  for (const m of r.stdout.matchAll(/^(\w+)\(([^)]*)\) = (.*)$/gm)) out.set(m[1], [m[2], m[3]]);
  return out;
}

const KUBESPRAY_CFG = `[ssh_connection]
pipelining=True
ssh_args = -o ControlMaster=auto -o ControlPersist=30m -o ConnectionAttempts=100
#control_path = ~/.ssh/ansible-%%r@%%h:%%p
[defaults]
# https://github.com/ansible/ansible/issues/56930 (to ignore group names with - and .)
force_valid_group_names = ignore

host_key_checking=False
gathering = smart
fact_caching = jsonfile
fact_caching_connection = /tmp
fact_caching_timeout = 86400
timeout = 300
stdout_callback = default
display_skipped_hosts = no
forks = 7 ; as many as the lab has
inventory = inventory/hosts.ini, extra.ini
remote_user = deploy
private_key_file = keys/id_ed25519
retry_files_enabled = False
[inventory]
ignore_patterns = artifacts, credentials
`;

describe('ansible.cfg and ANSIBLE_* settings', function () {
  this.timeout(60000);
  let root: string;
  let home: string;
  let proj: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-cfg-'));
    chmodSync(root, 0o755);
    home = join(root, 'home');
    proj = join(root, 'proj');
    mkdirSync(home);
    mkdirSync(proj);
    writeFileSync(join(proj, 'ansible.cfg'), KUBESPRAY_CFG);
    writeFileSync(join(home, '.ansible.cfg'), '[defaults]\nforks = 3\n');
    writeFileSync(join(root, 'named.cfg'), '[defaults]\nforks = 11\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the same file as Ansible: ANSIBLE_CONFIG, then ./ansible.cfg, then ~/.ansible.cfg', () => {
    const cases: [string, NodeJS.ProcessEnv, string][] = [
      [proj, { HOME: home, ANSIBLE_CONFIG: join(root, 'named.cfg') }, join(root, 'named.cfg')],
      [proj, { HOME: home }, join(proj, 'ansible.cfg')],
      [root, { HOME: home }, join(home, '.ansible.cfg')],
    ];
    for (const [cwd, env, want] of cases) {
      const prevHome = process.env.HOME;
      process.env.HOME = env.HOME; // os.homedir() reads HOME
      try {
        expect(findConfig(cwd, env).file).to.equal(want);
      } finally {
        process.env.HOME = prevHome;
      }
      expect(ansibleConfig(cwd, env).get('CONFIG_FILE')?.[1]).to.equal(want);
    }
  });

  it('an ansible.cfg in a world-writable directory is skipped with Ansible\'s warning', () => {
    const ww = join(root, 'ww');
    mkdirSync(ww);
    chmodSync(ww, 0o777);
    writeFileSync(join(ww, 'ansible.cfg'), '[defaults]\nforks = 5\n');
    const found = findConfig(ww, { HOME: '/nonexistent' });
    expect(found.file).to.equal(undefined);
    expect(found.warnings[0]).to.equal(`Ansible is being run in a world writable directory (${ww}), ignoring it as an ansible.cfg source.`);
    const r = spawnSync('ansible-config', ['dump', '--only-changed'], { cwd: ww, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    // Ansible wraps its warning at any space, so compare without whitespace
    expect(`${r.stdout}${r.stderr}`.replace(/\s+/g, '')).to.include(found.warnings[0].replace(/\s+/g, ''));
    expect(r.stdout).to.include('CONFIG_FILE() = None');
  });

  it("reads kubespray's settings as Ansible does (paths against the file's directory), names the unused ones once, notes pipelining", () => {
    const s = loadAnsibleConfig(proj, { HOME: home });
    expect(s).to.deep.include({
      file: join(proj, 'ansible.cfg'),
      inventory: [join(proj, 'inventory/hosts.ini'), join(proj, 'extra.ini')],
      forks: 7,
      remoteUser: 'deploy',
      hostKeyChecking: 'off',
      privateKeyFile: join(proj, 'keys/id_ed25519'),
      timeout: 300,
      retryFiles: false,
      sshArgs: '-o ControlMaster=auto -o ControlPersist=30m -o ConnectionAttempts=100',
    });
    expect(s.warnings).to.deep.equal([
      'pipelining is ignored: tsplay already sends each module in one round trip over one SSH connection per host',
      `${join(proj, 'ansible.cfg')}: tsplay does not use these settings (ignored): [defaults] force_valid_group_names, [defaults] gathering, [defaults] fact_caching, [defaults] fact_caching_connection, [defaults] fact_caching_timeout, [defaults] stdout_callback, [defaults] display_skipped_hosts, [inventory] ignore_patterns`,
    ]);
    const a = ansibleConfig(proj, { HOME: home });
    expect(a.get('DEFAULT_FORKS')?.[1]).to.equal('7');
    expect(a.get('DEFAULT_HOST_LIST')?.[1]).to.equal(`['${join(proj, 'inventory/hosts.ini')}', '${join(proj, 'extra.ini')}']`);
    expect(a.get('DEFAULT_PRIVATE_KEY_FILE')?.[1]).to.equal(join(proj, 'keys/id_ed25519'));
    expect(a.get('DEFAULT_REMOTE_USER')?.[1]).to.equal('deploy');
    expect(a.get('HOST_KEY_CHECKING')?.[1]).to.equal('False');
    expect(a.get('DEFAULT_TIMEOUT')?.[1]).to.equal('300');
  });

  it('an ANSIBLE_* variable beats the file, and a flag beats both', () => {
    const env = { HOME: home, ANSIBLE_FORKS: '9', ANSIBLE_HOST_KEY_CHECKING: 'yes', ANSIBLE_INVENTORY: 'a.ini,b.ini' };
    const s = loadAnsibleConfig(proj, env);
    expect(s.forks).to.equal(9);
    expect(s.hostKeyChecking).to.equal('strict');
    expect(s.inventory).to.deep.equal([join(proj, 'a.ini'), join(proj, 'b.ini')]);
    const a = ansibleConfig(proj, env);
    expect(a.get('DEFAULT_FORKS')).to.deep.equal(['env: ANSIBLE_FORKS', '9']);
    expect(a.get('DEFAULT_HOST_LIST')?.[1]).to.equal(`['${join(proj, 'a.ini')}', '${join(proj, 'b.ini')}']`);
    const plan = planRun(['pb.ts'], proj, undefined, s);
    expect(plan.opts.forks).to.equal(9);
    expect(plan.inventory).to.deep.equal(s.inventory);
    expect(plan.connections).to.deep.include({ user: 'deploy', privateKeyFile: join(proj, 'keys/id_ed25519'), hostKeyChecking: 'strict', connectTimeoutMs: 300000 });
    expect(plan.opts.retryFile).to.equal(false);
    const flags = planRun(['pb.ts', '-f', '2', '-i', 'x.ini', '-u', 'me', '--host-key-checking', 'accept-new', '-T', '4'], proj, undefined, s);
    expect(flags.opts.forks).to.equal(2);
    expect(flags.inventory).to.deep.equal(['x.ini']);
    expect(flags.connections).to.deep.include({ user: 'me', hostKeyChecking: 'accept-new', connectTimeoutMs: 4000 });
  });

  it('ssh_args reach the connection as ansible_ssh_args, before ansible_ssh_common_args (Ansible\'s order)', () => {
    const o = sshOptionsFromVars('h', { ansible_ssh_args: '-C -o ControlMaster=auto -o ProxyJump=ops@bastion:2200', ansible_ssh_common_args: '-o ProxyJump=none' }, {});
    expect(o.jumps).to.deep.equal([{ address: 'bastion', port: 2200, user: 'ops', privateKeyFile: undefined }]);
  });

  it('ANSIBLE_NOCOLOR turns colour off; ANSIBLE_* variables tsplay does not use are named once', () => {
    const s = loadAnsibleConfig(root, { HOME: '/nonexistent', ANSIBLE_NOCOLOR: '1', ANSIBLE_GATHERING: 'smart', ANSIBLE_STDOUT_CALLBACK: 'yaml', ANSIBLE_VAULT_PASSWORD_FILE: 'pw' });
    expect(s.noColor).to.equal(true);
    expect(s.warnings).to.deep.equal(['tsplay does not use these environment variables (ignored): ANSIBLE_GATHERING, ANSIBLE_STDOUT_CALLBACK']);
    expect(planRun(['pb.ts'], root, undefined, s).reporter.color).to.equal(false);
  });

  it('a bad value is an error naming the file, line and setting', () => {
    const bad = join(root, 'bad.cfg');
    writeFileSync(bad, '[defaults]\n\nforks = many\n');
    expect(() => loadAnsibleConfig(root, { ANSIBLE_CONFIG: bad })).to.throw(`${bad}:3: [defaults] forks: 'many' is not a whole number >= 1`);
    expect(() => loadAnsibleConfig(root, { ANSIBLE_CONFIG: bad, ANSIBLE_FORKS: '4', ANSIBLE_RETRY_FILES_ENABLED: 'maybe' })).to.throw("environment variable ANSIBLE_RETRY_FILES_ENABLED: 'maybe' is not a boolean");
  });

  it('tsplay run takes the inventory and settings from ./ansible.cfg (no -i), warning once about the rest', () => {
    const ROOT = process.cwd();
    const dir = mkdtempSync(join(ROOT, 'test', '.cfgrun-'));
    try {
      writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = hosts.ini\nforks = 1\nretry_files_enabled = False\ngathering = smart\n[ssh_connection]\npipelining = True\n');
      writeFileSync(join(dir, 'hosts.ini'), 'h1 ansible_connection=local\nh2 ansible_connection=local\n');
      writeFileSync(join(dir, 'pb.ts'), "import { playbook, command } from '../../lib/index.js';\nexport default playbook('p', [{ hosts: 'all', gatherFacts: false, tasks: (t) => { t.task('fail', command('false')); } }]);\n");
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsplay.js'), 'run', 'pb.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: '/nonexistent' } });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stdout).to.include('failed: [h1]').and.include('failed: [h2]');
      expect(r.stdout.match(/tsplay does not use these settings \(ignored\): \[defaults\] gathering\n/g)).to.have.length(1);
      expect(r.stdout).to.include('[WARNING]: pipelining is ignored');
      // retry_files_enabled = False: no pb.retry
      expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.to.include('pb.retry');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
