// The vault secrets of one command, and decryption with them the way Ansible's VaultLib tries
// them: the secret whose vault id matches the envelope's label first, then every other one in the
// order given. A label is only a hint (it is not signed), so a mismatch never stops the others.
import { UserError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';
import { decryptEnvelope, encryptVault, isVaultText, parseEnvelope, VaultFormatError } from './format.js';

export interface VaultSecret {
  /** The vault id ("default" when none was named). */
  label: string;
  password: Buffer;
  /** Where it came from, for messages: a file name or "prompt". Never the password. */
  source: string;
}

/** Vault data that cannot be read: no password, a wrong one, or a damaged envelope. */
export class VaultError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

export const NO_PASSWORD_HINT = 'pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass';

export interface Decrypted {
  plaintext: Buffer;
  secret: VaultSecret;
  /** The envelope's own label, if it had one (edit keeps it). */
  label?: string;
}

export class VaultKeyring {
  readonly secrets: readonly VaultSecret[];

  constructor(secrets: readonly VaultSecret[] = []) {
    this.secrets = secrets;
    for (const s of secrets) registerSecret(s.password.toString('utf8'));
  }

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  /**
   * Decrypts vault text read at `where` (a file, or file:line for an inline value). The
   * plaintext is registered as a secret, so no output of this process prints it.
   */
  decrypt(text: string, where: string): Decrypted {
    let env;
    try {
      env = parseEnvelope(text);
    } catch (e) {
      if (e instanceof VaultFormatError) throw new VaultError(`${where}: damaged vault data: ${e.message}; encrypt it again with tsplay vault or ansible-vault`);
      throw e;
    }
    if (this.empty) throw new VaultError(`${where}: this is vault-encrypted and no vault password was given; ${NO_PASSWORD_HINT}`);
    const ordered = [...this.secrets.filter((s) => s.label === env.label), ...this.secrets.filter((s) => s.label !== env.label)];
    for (const secret of ordered) {
      let plaintext: Buffer | null;
      try {
        plaintext = decryptEnvelope(env, secret.password);
      } catch (e) {
        if (e instanceof VaultFormatError) throw new VaultError(`${where}: damaged vault data: ${e.message}; encrypt it again with tsplay vault or ansible-vault`);
        throw e;
      }
      if (plaintext) {
        registerSecret(plaintext.toString('utf8'));
        return { plaintext, secret, label: env.label };
      }
    }
    const ids = [...new Set(this.secrets.map((s) => s.label))].join(', ');
    const labelNote = env.label ? ` (it is labelled '${env.label}')` : '';
    throw new VaultError(`${where}: Decryption failed: no vault password given decrypts it${labelNote}; tried vault id${this.secrets.length > 1 ? 's' : ''} ${ids}; check the password or pass the right one with --vault-id LABEL@FILE`);
  }

  /** The secret to encrypt with: the one named by `encryptId`, else the only one. */
  encryptSecret(encryptId?: string): VaultSecret {
    if (encryptId !== undefined) {
      const s = this.secrets.find((x) => x.label === encryptId);
      if (!s) throw new VaultError(`--encrypt-vault-id ${encryptId}: no vault id of that name was given (known: ${this.secrets.map((x) => x.label).join(', ') || 'none'})`);
      return s;
    }
    if (this.empty) throw new VaultError(`a vault password is needed to encrypt; ${NO_PASSWORD_HINT}`);
    if (this.secrets.length > 1) {
      throw new VaultError(`the vault ids ${this.secrets.map((x) => x.label).join(',')} are available to encrypt; name the one to use with --encrypt-vault-id`);
    }
    return this.secrets[0]!;
  }
}

/**
 * Vault text of `plaintext` under `secret`, labelled with its vault id (unless "default");
 * `where` names the input in the error for vault text given to encrypt again.
 */
export function encryptWith(plaintext: Uint8Array, secret: VaultSecret, where: string, label: string = secret.label): string {
  if (isVaultText(plaintext)) throw new VaultError(`${where}: input is already encrypted`);
  return encryptVault(plaintext, secret.password, label);
}
