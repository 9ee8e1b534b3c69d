// The Ansible Vault format, AES256 cipher, as ansible-core 2.14 reads and writes it:
//   $ANSIBLE_VAULT;1.1;AES256            (or ;1.2;AES256;LABEL when a vault id labels it)
//   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), cut into 80-column lines
// Keys: PBKDF2-HMAC-SHA256 of the password and the 32-byte salt, 10000 rounds, 80 bytes: the
// AES-256-CTR key, then the HMAC-SHA256 key, then the 16-byte counter block. The plaintext is
// PKCS#7-padded to the AES block size before CTR (Ansible pads although CTR needs no padding).
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const CIPHER = 'AES256';
const ROUNDS = 10000;
const KEY_LEN = 32;
const IV_LEN = 16;
const BLOCK = 16;
const LINE = 80;

/** The envelope is not vault data that can be read (not a decryption failure: no key is tried). */
export class VaultFormatError extends Error {}

export interface Envelope {
  version: string;
  cipher: string;
  /** The vault id of a 1.2 envelope; a 1.1 envelope has none. */
  label?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** True when the text is vault data (Ansible only looks at the start, as here). */
export function isVaultText(text: string | Uint8Array): boolean {
  const s = typeof text === 'string' ? text : Buffer.from(text.subarray(0, VAULT_HEADER.length)).toString('latin1');
  return s.startsWith(VAULT_HEADER);
}

function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultFormatError(`${what} is not hexadecimal`);
  return Buffer.from(text, 'hex');
}

export function parseEnvelope(text: string): Envelope {
  const lines = text.split(/\r?\n|\r/);
  const header = lines[0]!.trim().split(';').map((p) => p.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('the header line is not "$ANSIBLE_VAULT;1.1;AES256"');
  const [, version, cipher, label] = header as [string, string, string, string | undefined];
  if (cipher !== CIPHER) throw new VaultFormatError(`cipher ${cipher} is not supported (only AES256, what ansible-vault writes since 2.0)`);
  const body = lines.slice(1).map((l) => l.trim()).join('');
  const inner = unhex(body, 'the vault body').toString('latin1').split('\n');
  if (inner.length !== 3) throw new VaultFormatError('the vault body does not hold salt, HMAC and ciphertext');
  const salt = unhex(inner[0]!, 'the salt');
  const hmac = unhex(inner[1]!, 'the HMAC');
  const ciphertext = unhex(inner[2]!, 'the ciphertext');
  if (hmac.length !== 32) throw new VaultFormatError('the HMAC is not 32 bytes');
  return { version: version!, cipher, label: label || undefined, salt, hmac, ciphertext };
}

function deriveKeys(password: Uint8Array, salt: Uint8Array): { aes: Buffer; mac: Buffer; iv: Buffer } {
  const k = pbkdf2Sync(password, salt, ROUNDS, 2 * KEY_LEN + IV_LEN, 'sha256');
  return { aes: k.subarray(0, KEY_LEN), mac: k.subarray(KEY_LEN, 2 * KEY_LEN), iv: k.subarray(2 * KEY_LEN) };
}

/**
 * The plaintext, or null when the password is not the one it was encrypted with (the HMAC does
 * not match). The HMAC is compared in constant time, and before any decryption.
 */
export function decryptEnvelope(env: Envelope, password: Uint8Array): Buffer | null {
  const { aes, mac, iv } = deriveKeys(password, env.salt);
  const expected = createHmac('sha256', mac).update(env.ciphertext).digest();
  if (!timingSafeEqual(expected, env.hmac)) return null;
  const d = createDecipheriv('aes-256-ctr', aes, iv);
  const padded = Buffer.concat([d.update(env.ciphertext), d.final()]);
  const pad = padded.length ? padded[padded.length - 1]! : 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultFormatError('the decrypted data has invalid padding');
  }
  return padded.subarray(0, padded.length - pad);
}

/**
 * Vault text for `plaintext`: format 1.1, or 1.2 with the label when one other than "default"
 * is given (as ansible-vault does). Ends with a newline, as ansible-vault's files do.
 */
export function encryptVault(plaintext: Uint8Array, password: Uint8Array, label?: string, salt: Buffer = randomBytes(32)): string {
  if (label?.includes(';')) throw new VaultFormatError(`'${label}' is not a valid vault id: ';' is not allowed in vault ids`);
  const { aes, mac, iv } = deriveKeys(password, salt);
  const pad = BLOCK - (plaintext.length % BLOCK);
  const padded = Buffer.concat([plaintext, Buffer.alloc(pad, pad)]);
  const c = createCipheriv('aes-256-ctr', aes, iv);
  const ciphertext = Buffer.concat([c.update(padded), c.final()]);
  const hmac = createHmac('sha256', mac).update(ciphertext).digest();
  const body = Buffer.from([salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')].join('\n'), 'latin1').toString('hex');
  const labelled = label !== undefined && label !== '' && label !== 'default';
  const header = labelled ? `${VAULT_HEADER};1.2;${CIPHER};${label}` : `${VAULT_HEADER};1.1;${CIPHER}`;
  const lines = [header];
  for (let i = 0; i < body.length; i += LINE) lines.push(body.slice(i, i + LINE));
  return lines.join('\n') + '\n';
}
