// Issue 10 through the CLI: `tsplay vault` against the real ansible-vault and ansible of Debian's
// ansible-core (both ways), `tsplay inventory` and `tsplay run` on vaulted inventories, and the
// password prompt on a real terminal (util-linux `script` gives tsplay a pty).
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shq } from '../../lib/util/shell.js';

const ROOT = process.cwd();
const FIX = join(ROOT, 'test/fixtures/vault');
const PW = join(FIX, 'password');
const LAB = `lab@${join(FIX, 'password-lab')}`;
const ENV = { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_VAULT_PASSWORD_FILE: '', ANSIBLE_VAULT_IDENTITY_LIST: '' };

interface Run { code: number; out: string; err: string }

/** tsplay with no controlling terminal (setsid), so a prompt can only read stdin. */
function tsplay(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync('setsid', ['-w', process.execPath, join(ROOT, 'bin/tsplay.js'), ...args], { cwd: opts.cwd ?? ROOT, input: opts.input ?? '', encoding: 'utf8', env: { ...ENV, ...opts.env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function ansible(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: ENV });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const mode = (f: string): number => statSync(f).mode & 0o777;

describe('tsplay vault and ansible-vault, both ways', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('decrypts and views files made by ansible-vault (1.1, and 1.2 with --vault-id)', () => {
    const d = tsplay(['vault', 'decrypt', join(FIX, 'vault-1.1.txt'), '--vault-password-file', PW, '--output', '-']);
    expect(d.code, d.err).to.equal(0);
    expect(d.out).to.equal(readFileSync(join(FIX, 'plain-1.1.txt'), 'utf8'));
    const v = tsplay(['vault', 'view', join(FIX, 'vault-1.2-lab.txt'), '--vault-id', LAB]);
    expect(v.code, v.err).to.equal(0);
    expect(v.out).to.equal(readFileSync(join(FIX, 'plain-1.2.txt'), 'utf8'));
  });

  it('encrypt in place keeps the mode; ansible-vault decrypts it', () => {
    const f = join(dir, 'secrets.yml');
    writeFileSync(f, 'token: Tsplay-Made-1\n');
    chmodSync(f, 0o640);
    const r = tsplay(['vault', 'encrypt', f, '--vault-password-file', PW]);
    expect(r.code, r.err).to.equal(0);
    expect(readFileSync(f, 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(mode(f)).to.equal(0o640);
    const a = ansible('ansible-vault', ['decrypt', f, '--vault-password-file', PW, '--output', '-'], dir);
    expect(a.code, a.err).to.equal(0);
    expect(a.out).to.equal('token: Tsplay-Made-1\n');
  });

  it('encrypt --vault-id to --output writes a 0600 1.2 file ansible-vault reads with that id; stdin works as -', () => {
    const out = join(dir, 'out.yml');
    const r = tsplay(['vault', 'encrypt', '-', '--vault-id', LAB, '--output', out], { input: 'from: stdin\n' });
    expect(r.code, r.err).to.equal(0);
    expect(mode(out)).to.equal(0o600);
    expect(readFileSync(out, 'utf8').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;lab');
    const a = ansible('ansible-vault', ['view', out, '--vault-id', LAB], dir);
    expect(a.code, a.err).to.equal(0);
    expect(a.out).to.equal('from: stdin\n');
  });

  it('refuses to encrypt what is already encrypted, and two ids without --encrypt-vault-id', () => {
    const f = join(dir, 'v.txt');
    cpSync(join(FIX, 'vault-1.1.txt'), f);
    const again = tsplay(['vault', 'encrypt', f, '--vault-password-file', PW]);
    expect(again.code).to.equal(1);
    expect(again.err).to.equal(`ERROR: ${f}: input is already encrypted\n`);
    writeFileSync(f, 'x');
    const two = tsplay(['vault', 'encrypt', f, '--vault-password-file', PW, '--vault-id', LAB]);
    expect(two.code).to.equal(1);
    expect(two.err).to.match(/the vault ids lab,default are available to encrypt; name the one to use with --encrypt-vault-id/);
  });

  it('decrypt in place keeps the owner and the owner\'s mode bits only (plaintext secrets, as ansible-vault); a wrong password names the file and changes nothing', () => {
    const f = join(dir, 'v.txt');
    cpSync(join(FIX, 'vault-1.1.txt'), f);
    chmodSync(f, 0o604);
    chownSync(f, 65534, 65534); // tests run as root (README): a file of nobody's stays nobody's
    const before = readFileSync(f, 'utf8');
    const wrong = tsplay(['vault', 'decrypt', f, '--vault-password-file', join(FIX, 'wrong-password')]);
    expect(wrong.code).to.equal(1);
    expect(wrong.err).to.match(new RegExp(`^ERROR: ${f}: Decryption failed`));
    expect(wrong.err).to.not.match(/\n\s+at /); // no stack trace
    expect(readFileSync(f, 'utf8')).to.equal(before);
    const ok = tsplay(['vault', 'decrypt', f, '--vault-password-file', PW]);
    expect(ok.code, ok.err).to.equal(0);
    expect(readFileSync(f, 'utf8')).to.equal(readFileSync(join(FIX, 'plain-1.1.txt'), 'utf8'));
    expect(mode(f)).to.equal(0o600);
    expect([statSync(f).uid, statSync(f).gid]).to.deep.equal([65534, 65534]);
  });

  it('encrypt_string output (-n names, --stdin-name) is read by ansible -e @file', () => {
    const r = tsplay(['vault', 'encrypt_string', '--vault-id', LAB, '--stdin-name', 'from_stdin', '-n', 'first', 'Arg-Secret-One'], { input: 'Stdin-Secret-Two' });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/^from_stdin: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;lab\n/);
    expect(r.out).to.not.match(/Secret/);
    const f = join(dir, 'strings.yml');
    writeFileSync(f, r.out + '\n');
    const a = ansible('ansible', ['localhost', '-m', 'debug', '-a', 'msg={{ first }}+{{ from_stdin }}', '-e', `@${f}`, '--vault-id', LAB], dir);
    expect(a.code, a.out + a.err).to.equal(0);
    expect(a.out).to.contain('"msg": "Arg-Secret-One+Stdin-Secret-Two"');
  });

  it('create and edit go through $EDITOR; edit keeps the file label; a failing editor changes nothing', () => {
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\n[ -n "$FAIL" ] && exit 1\nprintf "line %s\\n" "$(wc -l < "$1")" >> "$1"\n', { mode: 0o700 });
    const f = join(dir, 'sub', 'new.yml');
    const c = tsplay(['vault', 'create', f, '--vault-id', LAB], { env: { EDITOR: editor } });
    expect(c.code, c.err).to.equal(0);
    expect(mode(f)).to.equal(0o600);
    expect(readFileSync(f, 'utf8').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;lab');
    const e = tsplay(['vault', 'edit', f, '--vault-id', LAB], { env: { EDITOR: `${editor} ` } });
    expect(e.code, e.err).to.equal(0);
    expect(readFileSync(f, 'utf8').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(ansible('ansible-vault', ['decrypt', f, '--vault-id', LAB, '--output', '-'], dir).out).to.equal('line 0\nline 1\n');
    const before = readFileSync(f, 'utf8');
    const failed = tsplay(['vault', 'edit', f, '--vault-id', LAB], { env: { EDITOR: editor, FAIL: '1' } });
    expect(failed.code).to.equal(1);
    expect(failed.err).to.match(/exited with 1; .*new\.yml was not changed/);
    expect(readFileSync(f, 'utf8')).to.equal(before);
    const exists = tsplay(['vault', 'create', f, '--vault-id', LAB], { env: { EDITOR: editor } });
    expect(exists.err).to.match(/new\.yml exists; use 'tsplay vault edit/);
  });

  it('rekey: the new password opens it for ansible-vault, the old one no longer does', () => {
    const f = join(dir, 'v.txt');
    cpSync(join(FIX, 'vault-1.2-lab.txt'), f);
    chmodSync(f, 0o640);
    const r = tsplay(['vault', 'rekey', f, '--vault-id', LAB, '--new-vault-password-file', PW]);
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.equal('Rekey successful\n');
    expect(mode(f)).to.equal(0o640);
    expect(readFileSync(f, 'utf8').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
    expect(ansible('ansible-vault', ['decrypt', f, '--vault-password-file', PW, '--output', '-'], dir).out).to.equal(readFileSync(join(FIX, 'plain-1.2.txt'), 'utf8'));
    expect(ansible('ansible-vault', ['decrypt', f, '--vault-id', LAB, '--output', '-'], dir).code).to.not.equal(0);
  });

  it('--ask-vault-pass and --vault-id LABEL@prompt without a terminal read the password from stdin', () => {
    const r = tsplay(['vault', 'view', join(FIX, 'vault-1.1.txt'), '--ask-vault-pass'], { input: 'correct horse battery\n' });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal(readFileSync(join(FIX, 'plain-1.1.txt'), 'utf8'));
    // --vault-id LABEL@prompt asks for that id's password by name
    const inv = tsplay(['inventory', '-i', join(FIX, 'inv/hosts.yml'), '--host', 'k1-node01', '--vault-password-file', PW, '--vault-id', 'lab@prompt'], { input: 'lab-staple-42\n' });
    expect(inv.code, inv.err).to.equal(0);
    expect(inv.err).to.contain('Vault password (lab): ');
    expect(JSON.parse(inv.out)).to.include({ api_token: 'Host-Inline-Token-99' });
    const enc = tsplay(['vault', 'encrypt', '--ask-vault-pass'], { input: 'data' });
    expect(enc.code).to.equal(1);
    expect(enc.err).to.match(/cannot ask for the vault password .* no terminal to ask on; use --vault-password-file/);
  });

  it('--ask-vault-pass on a terminal: prompts, and the typed password is not echoed', async () => {
    const cmd = [process.execPath, join(ROOT, 'bin/tsplay.js'), 'inventory', '-i', join(FIX, 'inv/hosts.yml'), '--host', 'k1-node02', '--ask-vault-pass', '--vault-id', LAB].map(shq).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let typed = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      // type only once the prompt is up, as a person would (earlier keys are echoed by the pty itself)
      if (!typed && out.includes('Vault password: ')) {
        typed = true;
        child.stdin.write('correct horse battery\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).to.equal(0);
    expect(out).to.contain('Vault password: ');
    expect(out).to.not.contain('correct horse');
    expect(out).to.contain('"db_password": "Group-Vault-Pass-1"');
  });
});

describe('tsplay inventory and run on a vaulted inventory', function () {
  this.timeout(120000);
  const INV = join(FIX, 'inv/hosts.yml');

  it('inventory --host and --list read vaulted group_vars and inline values with the passwords', () => {
    const h = tsplay(['inventory', '-i', INV, '--host', 'k1-node01', '--vault-password-file', PW, '--vault-id', LAB]);
    expect(h.code, h.err).to.equal(0);
    expect(JSON.parse(h.out)).to.include({ db_password: 'Group-Vault-Pass-1', api_token: 'Host-Inline-Token-99', cluster_token: 'Yaml-Inline-Token-77', etcd_port: 2379 });
    const l = tsplay(['inventory', '-i', INV, '--list'], { env: { ANSIBLE_VAULT_PASSWORD_FILE: PW }, input: '' });
    // the env var gives the default password only: the lab-labelled host_vars value cannot be read
    expect(l.code).to.equal(1);
    expect(l.err).to.match(/host_vars\/k1-node01\.yml:2: Decryption failed/);
    const l2 = tsplay(['inventory', '-i', INV, '--list', '--vault-id', LAB], { env: { ANSIBLE_VAULT_PASSWORD_FILE: PW } });
    expect(l2.code, l2.err).to.equal(0);
    expect(JSON.parse(l2.out)._meta.hostvars['k1-node02']).to.include({ db_password: 'Group-Vault-Pass-1' });
  });

  it('reads the {"__ansible_vault": ...} JSON that ansible-inventory prints for inline values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-json-'));
    try {
      cpSync(join(FIX, 'inv'), join(dir, 'inv'), { recursive: true });
      const a = ansible('ansible-inventory', ['-i', join(dir, 'inv/hosts.yml'), '--host', 'k1-node01', '--vault-password-file', PW, '--vault-id', LAB], dir);
      expect(a.code, a.err).to.equal(0);
      expect(a.out).to.contain('"__ansible_vault"');
      writeFileSync(join(dir, 'inv/host_vars/k1-node02.json'), a.out);
      const h = tsplay(['inventory', '-i', join(dir, 'inv/hosts.yml'), '--host', 'k1-node02', '--vault-password-file', PW, '--vault-id', LAB]);
      expect(h.code, h.err).to.equal(0);
      expect(JSON.parse(h.out)).to.include({ api_token: 'Host-Inline-Token-99', cluster_token: 'Yaml-Inline-Token-77', db_password: 'Group-Vault-Pass-1' });
      const wrong = tsplay(['inventory', '-i', join(dir, 'inv/hosts.yml'), '--host', 'k1-node02', '--vault-password-file', PW, '--vault-id', `lab@${join(FIX, 'wrong-password')}`]);
      expect(wrong.code).to.equal(1);
      expect(wrong.err).to.match(/host_vars\/k1-node01\.yml:2: Decryption failed/);
      rmSync(join(dir, 'inv/host_vars/k1-node01.yml'));
      const wrongJson = tsplay(['inventory', '-i', join(dir, 'inv/hosts.yml'), '--host', 'k1-node02', '--vault-password-file', PW, '--vault-id', `lab@${join(FIX, 'wrong-password')}`]);
      expect(wrongJson.err).to.match(/host_vars\/k1-node02\.json: Decryption failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses clearly without a password, or with a wrong one', () => {
    const none = tsplay(['inventory', '-i', INV, '--list']);
    expect(none.code).to.equal(1);
    expect(none.err).to.match(/^ERROR: .*hosts\.yml:7: this is vault-encrypted and no vault password was given; pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass\n$/);
    const wrong = tsplay(['inventory', '-i', INV, '--host', 'k1-node01', '--vault-password-file', join(FIX, 'wrong-password')]);
    expect(wrong.code).to.equal(1);
    expect(wrong.err).to.match(/^ERROR: .*hosts\.yml:7: Decryption failed/);
  });

  it('a run that prints vaulted values shows them masked, in plain and --json output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-run-'));
    try {
      const pb = join(dir, 'show.ts');
      writeFileSync(pb, [
        `import { debug, playbook } from ${JSON.stringify(join(ROOT, 'lib/index.js'))};`,
        `export default playbook('show', [{ hosts: 'k1-node01', gatherFacts: false, tasks: (t) => {`,
        `  t.task('show', debug({ msg: 'db={{ db_password }} api={{ api_token }} x={{ extra_secret }} note={{ note }} inl={{ extra_inline }} plain={{ node_role }}' }));`,
        `} }]);`,
        ``,
      ].join('\n'));
      const args = ['run', pb, '-i', INV, '-c', 'local', '--vault-password-file', PW, '--vault-id', LAB, '-e', `@${join(FIX, 'extra.yml')}`, '-e', `@${join(FIX, 'extra-inline.yml')}`, '--no-retry-file'];
      for (const json of [false, true]) {
        const r = tsplay(json ? [...args, '--json'] : args, { cwd: dir });
        expect(r.code, r.out + r.err).to.equal(0);
        // note and extra_inline have names that say nothing: only their coming from a vault masks them
        expect(r.out).to.contain('db=******** api=******** x=******** note=******** inl=******** plain=worker');
        for (const s of ['Group-Vault-Pass-1', 'Host-Inline-Token-99', 'Extra-Vault-Value-5', 'plain words here', 'Extra-Inline-Value-6', 'correct horse', 'lab-staple-42']) expect(r.out + r.err, s).to.not.contain(s);
        if (json) expect(r.out.split('\n').filter(Boolean).every((l) => JSON.parse(l) !== null)).to.equal(true);
      }
      const without = tsplay(args.filter((a) => a !== PW && a !== '--vault-password-file'), { cwd: dir });
      expect(without.code).to.equal(1);
      // (the command line's -e files are read before the inventory: either names its file)
      expect(without.err).to.match(/group_vars\/all\.yml: Decryption failed|hosts\.yml:7: Decryption failed|extra(-inline)?\.yml(:\d+)?: Decryption failed/);
      expect(existsSync(join(dir, 'show.retry'))).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
