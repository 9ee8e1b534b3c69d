// Whole files encrypted with ansible-vault (group_vars/all.yml, -e @secrets.yml, a YAML
// inventory): decrypted before they are parsed, and every value they define is then a secret.
import { registerSecret } from '../util/secrets.js';
import { isVaultText } from './format.js';
import { VaultKeyring } from './keyring.js';

/** A keyring with no secrets: vault data met without a password is a clear error. */
export const NO_VAULT = new VaultKeyring();

/** The file's text, decrypted when it is vault data; `encrypted` says which. */
export function openVaultFile(file: string, text: string, keyring: VaultKeyring = NO_VAULT): { text: string; encrypted: boolean } {
  if (!isVaultText(text)) return { text, encrypted: false };
  return { text: keyring.decrypt(text, file).plaintext.toString('utf8'), encrypted: true };
}

/** Registers every string leaf of `value` (a vault file's vars) as a secret (numbers are not: a
 * port masked in every line would garble output and hide little). */
export function registerLeaves(value: unknown, depth = 0): void {
  if (depth > 100) return;
  if (typeof value === 'string') registerSecret(value);
  else if (Array.isArray(value)) for (const v of value) registerLeaves(v, depth + 1);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) registerLeaves(v, depth + 1);
}
