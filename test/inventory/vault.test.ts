// Issue 10: inventories whose group_vars are encrypted by ansible-vault and whose YAML holds
// inline `!vault` values (test/fixtures/vault, made by the real ansible-vault), and -e files.
import { expect } from 'chai';
import { join } from 'node:path';
import { hostVars, loadInventory } from '../../lib/inventory/index.js';
import { knownSecrets } from '../../lib/util/secrets.js';
import { VaultError, VaultKeyring } from '../../lib/vault/keyring.js';
import { loadVaultKeyring } from '../../lib/vault/secrets-source.js';
import { encryptVault } from '../../lib/vault/format.js';
import { parseExtraVars } from '../../lib/vars/extra.js';
import { scratch } from './helpers.js';

const FIX = join(process.cwd(), 'test/fixtures/vault');
const INV = join(FIX, 'inv', 'hosts.yml');
const keyring = (...specs: string[]): Promise<VaultKeyring> => loadVaultKeyring({ vaultIds: specs.map((s) => (s.includes('@') ? s.replace('@', `@${FIX}/`) : `${FIX}/${s}`)), env: {} });

async function failure(p: Promise<unknown>): Promise<Error> {
  let err: unknown;
  await p.catch((e) => (err = e));
  expect(err, 'expected an error').to.be.instanceOf(Error);
  return err as Error;
}

describe('vault data in inventories and -e files', () => {
  it('reads a vaulted group_vars file and inline !vault values (1.1 and 1.2 with a label)', async () => {
    const inv = await loadInventory([INV], { vault: await keyring('password', 'lab@password-lab') });
    expect(hostVars(inv, 'k1-node01')).to.deep.equal({
      ansible_connection: 'local',
      cluster_token: 'Yaml-Inline-Token-77',
      db_password: 'Group-Vault-Pass-1',
      etcd_port: 2379,
      note: 'plain words here',
      node_role: 'worker',
      api_token: 'Host-Inline-Token-99',
    });
    expect(hostVars(inv, 'k1-node02')).to.not.have.property('api_token');
  });

  it('registers decrypted values, and every string of a vaulted file, as secrets', async () => {
    await loadInventory([INV], { vault: await keyring('password', 'lab@password-lab') });
    expect(knownSecrets()).to.include.members(['Group-Vault-Pass-1', 'plain words here', 'Yaml-Inline-Token-77', 'Host-Inline-Token-99']);
  });

  it('without a password: an error naming the file and the options to pass', async () => {
    const err = await failure(loadInventory([INV]));
    expect(err).to.be.instanceOf(VaultError);
    expect(err.message).to.match(/hosts\.yml:\d+: this is vault-encrypted and no vault password was given; pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass/);
  });

  it('with a wrong password: "Decryption failed" naming the file, and the line of an inline value', async () => {
    const wrong = await failure(loadInventory([INV], { vault: await keyring('wrong-password') }));
    expect(wrong.message).to.match(new RegExp(`^${INV.replace(/\./g, '\\.')}:7: Decryption failed`));
    // the right default password, but not the lab one: host_vars' inline value at line 2 fails
    const noLab = await failure(loadInventory([INV], { vault: await keyring('password') }));
    expect(noLab.message).to.match(/host_vars\/k1-node01\.yml:2: Decryption failed.*labelled 'lab'/);
  });

  it('a vaulted group_vars file with the wrong password names that file', async () => {
    const s = scratch();
    try {
      s.write('hosts.ini', '[web]\nw1\n');
      s.write('group_vars/web.yml', encryptVault(Buffer.from('k: v1234\n'), Buffer.from('right')));
      const err = await failure(loadInventory([join(s.dir, 'hosts.ini')], { vault: new VaultKeyring([{ label: 'default', password: Buffer.from('wrong'), source: 't' }]) }));
      expect(err.message).to.match(new RegExp(`^${join(s.dir, 'group_vars/web.yml')}: Decryption failed`));
    } finally {
      s.cleanup();
    }
  });

  it('a vaulted YAML inventory file is read; a vaulted INI one is refused with what to do', async () => {
    const s = scratch();
    try {
      const pw = { label: 'default', password: Buffer.from('pw'), source: 't' };
      const yml = s.write('a/inv.yml', encryptVault(Buffer.from('all:\n  hosts:\n    y1:\n      y_secret: Yaml-Whole-File-1\n'), pw.password));
      expect(hostVars(await loadInventory([yml], { vault: new VaultKeyring([pw]) }), 'y1')).to.deep.equal({ y_secret: 'Yaml-Whole-File-1' });
      expect(knownSecrets()).to.include('Yaml-Whole-File-1');
      const ini = s.write('b/hosts.ini', encryptVault(Buffer.from('[web]\nw1 x=1\n'), pw.password));
      const err = await failure(loadInventory([ini], { vault: new VaultKeyring([pw]) }));
      expect(err.message).to.match(/hosts\.ini: a vault-encrypted INI inventory is not read; keep the hosts in plain INI/);
    } finally {
      s.cleanup();
    }
  });

  it('-e @file: a vaulted file and inline values are decrypted; no password is a clear error', async () => {
    const k = await keyring('password', 'lab@password-lab');
    expect(parseExtraVars([`@${join(FIX, 'extra.yml')}`, `@${join(FIX, 'extra-inline.yml')}`], FIX, k)).to.deep.equal({
      extra_secret: 'Extra-Vault-Value-5',
      extra_plain: 'visible',
      extra_inline: 'Extra-Inline-Value-6',
    });
    expect(knownSecrets()).to.include.members(['Extra-Vault-Value-5', 'Extra-Inline-Value-6']);
    expect(() => parseExtraVars(['@extra.yml'], FIX)).to.throw(VaultError, /extra\.yml: this is vault-encrypted and no vault password was given/);
    expect(() => parseExtraVars(['@extra-inline.yml'], FIX, new VaultKeyring([{ label: 'default', password: Buffer.from('nope'), source: 't' }]))).to.throw(VaultError, /extra-inline\.yml:2: Decryption failed/);
  });

  it('-e @file.json: the {"__ansible_vault": ...} form is decrypted, with file:line when it fails', () => {
    const s = scratch();
    try {
      const env = encryptVault(Buffer.from('Json-Vault-Value-8'), Buffer.from('pw'));
      const f = s.write('e.json', JSON.stringify({ plain: 1, nested: { v: { __ansible_vault: env } } }, null, 2));
      const pw = (p: string): VaultKeyring => new VaultKeyring([{ label: 'default', password: Buffer.from(p), source: 't' }]);
      expect(parseExtraVars([`@${f}`], s.dir, pw('pw'))).to.deep.equal({ plain: 1, nested: { v: 'Json-Vault-Value-8' } });
      expect(() => parseExtraVars([`@${f}`], s.dir, pw('nope'))).to.throw(VaultError, /e\.json:4: Decryption failed/);
    } finally {
      s.cleanup();
    }
  });

  it('a !vault tag on a mapping is an error with file:line', async () => {
    const s = scratch();
    try {
      const f = s.write('hosts.yml', 'all:\n  hosts:\n    h1:\n      x: !vault\n        a: 1\n');
      const err = await failure(loadInventory([f], { vault: await keyring('password') }));
      expect(err.message).to.match(/hosts\.yml:5: a !vault value must be the vault text as a string, not a mapping/);
    } finally {
      s.cleanup();
    }
  });
});
