// Where vault passwords come from (files, scripts, client scripts, the environment) and how a
// keyring picks among them, as ansible-core does; every password and plaintext becomes a secret.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptVault } from '../../lib/vault/format.js';
import { VaultError, VaultKeyring, type VaultSecret } from '../../lib/vault/keyring.js';
import { loadVaultKeyring, splitVaultId } from '../../lib/vault/secrets-source.js';
import { knownSecrets } from '../../lib/util/secrets.js';

const FIX = join(process.cwd(), 'test/fixtures/vault');
const secret = (label: string, password: string): VaultSecret => ({ label, password: Buffer.from(password), source: 'test' });

describe('vault secrets', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string, mode = 0o600): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    return p;
  };

  it('splits LABEL@SOURCE; no @ is the default id', () => {
    expect(splitVaultId('lab@/x/pw')).to.deep.equal({ label: 'lab', source: '/x/pw' });
    expect(splitVaultId('/x/pw')).to.deep.equal({ label: 'default', source: '/x/pw' });
    expect(splitVaultId('prod@prompt')).to.deep.equal({ label: 'prod', source: 'prompt' });
    expect(() => splitVaultId('a;b@x')).to.throw(VaultError, /';' is not allowed/);
  });

  it('a password file is stripped of surrounding whitespace, as Ansible does', async () => {
    const k = await loadVaultKeyring({ vaultIds: [`lab@${join(FIX, 'password-lab')}`], env: {} });
    expect(k.secrets.map((s) => [s.label, s.password.toString()])).to.deep.equal([['lab', 'lab-staple-42']]);
    expect(k.decrypt(readFileSync(join(FIX, 'vault-1.2-lab.txt'), 'utf8'), 'f').plaintext.toString()).to.equal(readFileSync(join(FIX, 'plain-1.2.txt'), 'utf8'));
  });

  it('an executable password file is run and its stdout is the password', async () => {
    const script = file('pw.sh', '#!/bin/sh\necho "correct horse battery"\n', 0o700);
    const k = await loadVaultKeyring({ passwordFiles: [script], env: {} });
    expect(k.secrets[0]!.password.toString()).to.equal('correct horse battery');
  });

  it('a *-client script is asked for the vault id; exit 2 means it has none', async () => {
    const client = file('pw-client.sh', '#!/bin/sh\n[ "$1 $2" = "--vault-id lab" ] && { echo "id-$2"; exit 0; }\necho "no such id" >&2; exit 2\n', 0o700);
    const k = await loadVaultKeyring({ vaultIds: [`lab@${client}`], env: {} });
    expect(k.secrets[0]!.password.toString()).to.equal('id-lab');
    let err: unknown;
    await loadVaultKeyring({ vaultIds: [`prod@${client}`], env: {} }).catch((e) => (err = e));
    expect(err).to.be.instanceOf(VaultError).with.property('message').match(/has no secret for vault id prod: no such id/);
  });

  it('ANSIBLE_VAULT_PASSWORD_FILE adds a default-id password after the options', async () => {
    const k = await loadVaultKeyring({ vaultIds: [`lab@${join(FIX, 'password-lab')}`], env: { ANSIBLE_VAULT_PASSWORD_FILE: join(FIX, 'password') } });
    expect(k.secrets.map((s) => s.label)).to.deep.equal(['lab', 'default']);
  });

  it('ANSIBLE_VAULT_IDENTITY_LIST gives vault ids before the options', async () => {
    const k = await loadVaultKeyring({ passwordFiles: [join(FIX, 'password')], env: { ANSIBLE_VAULT_IDENTITY_LIST: `lab@${join(FIX, 'password-lab')}, x@${join(FIX, 'wrong-password')}` } });
    expect(k.secrets.map((s) => `${s.label}=${s.password.toString()}`)).to.deep.equal(['lab=lab-staple-42', 'x=not the password', 'default=correct horse battery']);
  });

  const bad: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'nope'), /vault password file .*nope was not found/],
    ['an empty file', () => file('empty', ' \n'), /gave an empty password/],
    ['a failing script', () => file('fail.sh', '#!/bin/sh\nexit 3\n', 0o700), /exited with 3/],
  ];
  for (const [what, make, re] of bad) {
    it(`${what} is a clear error naming it`, async () => {
      let err: unknown;
      await loadVaultKeyring({ passwordFiles: [make()], env: {} }).catch((e) => (err = e));
      expect(err).to.be.instanceOf(VaultError).with.property('message').match(re);
    });
  }

  it('tries the secret whose id matches the label first, then the others', () => {
    const text = encryptVault(Buffer.from('labelled'), Buffer.from('pw-b'), 'b');
    // both would decrypt it: the one whose id is the label must be the one used
    const k = new VaultKeyring([secret('a', 'pw-b'), secret('b', 'pw-b')]);
    expect(k.decrypt(text, 'x').secret.label).to.equal('b');
    // a label is only a hint: a secret of another id still decrypts it
    const other = new VaultKeyring([secret('a', 'pw-b')]);
    expect(other.decrypt(text, 'x').plaintext.toString()).to.equal('labelled');
  });

  it('no password, a wrong one: errors name the place and say what to do', () => {
    const text = encryptVault(Buffer.from('v'), Buffer.from('right'), 'lab');
    expect(() => new VaultKeyring().decrypt(text, 'g/all.yml')).to.throw(VaultError, /^g\/all\.yml: this is vault-encrypted and no vault password was given; pass --vault-password-file/);
    expect(() => new VaultKeyring([secret('default', 'wrong')]).decrypt(text, 'h.yml:3')).to.throw(VaultError, /^h\.yml:3: Decryption failed.*labelled 'lab'.*tried vault id default/);
  });

  it('passwords and decrypted plaintexts are registered secrets', () => {
    const value = `plain-${process.pid}-${Date.now()}`;
    const k = new VaultKeyring([secret('default', `pw-${value}`)]);
    k.decrypt(encryptVault(Buffer.from(value), Buffer.from(`pw-${value}`)), 'x');
    expect(knownSecrets()).to.include.members([value, `pw-${value}`]);
  });

  it('encrypting needs one secret, or --encrypt-vault-id among several', () => {
    const k = new VaultKeyring([secret('a', 'pw-a'), secret('b', 'pw-b')]);
    expect(() => k.encryptSecret()).to.throw(VaultError, /vault ids a,b are available.*--encrypt-vault-id/);
    expect(k.encryptSecret('b').label).to.equal('b');
    expect(() => k.encryptSecret('c')).to.throw(VaultError, /no vault id of that name/);
  });
});
