// The vault format against files the real ansible-vault made (test/fixtures/vault/README.md).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptEnvelope, encryptVault, isVaultText, parseEnvelope, VaultFormatError } from '../../lib/vault/format.js';

const FIX = join(process.cwd(), 'test/fixtures/vault');
const read = (f: string): string => readFileSync(join(FIX, f), 'utf8');
const pw = (s: string): Buffer => Buffer.from(s);
const SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('vault format (AES256, 1.1 and 1.2)', () => {
  it('decrypts a 1.1 file made by ansible-vault, non-ASCII text intact', () => {
    const env = parseEnvelope(read('vault-1.1.txt'));
    expect(env).to.include({ version: '1.1', cipher: 'AES256', label: undefined });
    expect(decryptEnvelope(env, pw('correct horse battery'))!.toString('utf8')).to.equal(read('plain-1.1.txt'));
  });

  it('decrypts a labelled 1.2 file made by ansible-vault (a plaintext of whole blocks)', () => {
    const env = parseEnvelope(read('vault-1.2-lab.txt'));
    expect(env).to.include({ version: '1.2', label: 'lab' });
    expect(decryptEnvelope(env, pw('lab-staple-42'))!.toString('utf8')).to.equal(read('plain-1.2.txt'));
  });

  it('a wrong password is null (HMAC mismatch), not garbage', () => {
    expect(decryptEnvelope(parseEnvelope(read('vault-1.1.txt')), pw('correct horse batterY'))).to.equal(null);
  });

  it('a changed ciphertext byte fails the HMAC check', () => {
    const env = parseEnvelope(read('vault-1.1.txt'));
    env.ciphertext[3] ^= 1;
    expect(decryptEnvelope(env, pw('correct horse battery'))).to.equal(null);
  });

  it('writes byte for byte what Ansible writes for the same salt (1.1, and 1.2 with a label)', () => {
    expect(encryptVault(Buffer.from('known answer\n'), pw('kat-password'), undefined, SALT)).to.equal(read('kat-1.1.txt'));
    expect(encryptVault(Buffer.alloc(0), pw('kat-password'), 'prod', SALT)).to.equal(read('kat-1.2.txt'));
  });

  it('the "default" label writes 1.1, as ansible-vault does; lines are 80 columns', () => {
    const text = encryptVault(Buffer.from('x'.repeat(200)), pw('p'), 'default');
    const lines = text.split('\n');
    expect(lines[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
    expect(lines.slice(1, -2).every((l) => l.length === 80)).to.equal(true);
    expect(text.endsWith('\n')).to.equal(true);
  });

  it('round-trips every padding length, empty included', () => {
    for (let n = 0; n <= 33; n++) {
      const data = Buffer.alloc(n, 0x41 + (n % 26));
      const env = parseEnvelope(encryptVault(data, pw('pw'), n % 2 ? 'x' : undefined));
      expect(decryptEnvelope(env, pw('pw'))!.equals(data), `length ${n}`).to.equal(true);
    }
  });

  it('recognises vault text by its header only', () => {
    expect(isVaultText('$ANSIBLE_VAULT;1.1;AES256\n00')).to.equal(true);
    expect(isVaultText(Buffer.from('$ANSIBLE_VAULT;1.2'))).to.equal(true);
    expect(isVaultText('a: $ANSIBLE_VAULT')).to.equal(false);
  });

  const broken: [string, string, RegExp][] = [
    ['an unknown cipher', '$ANSIBLE_VAULT;1.1;AES\n3030', /cipher AES is not supported/],
    ['a header without cipher', '$ANSIBLE_VAULT;1.1\n3030', /header line/],
    ['a body that is not hex', '$ANSIBLE_VAULT;1.1;AES256\nzz', /not hexadecimal/],
    ['a body without its three parts', '$ANSIBLE_VAULT;1.1;AES256\n' + Buffer.from('abcd').toString('hex'), /salt, HMAC and ciphertext/],
  ];
  for (const [what, text, re] of broken) {
    it(`refuses ${what}`, () => expect(() => parseEnvelope(text)).to.throw(VaultFormatError, re));
  }

  it('refuses a label with ";"', () => expect(() => encryptVault(Buffer.from('x'), pw('p'), 'a;b')).to.throw(VaultFormatError, /not a valid vault id/));
});
