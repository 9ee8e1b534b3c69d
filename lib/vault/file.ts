// Whole files encrypted with ansible-vault (group_vars/all.yml, -e @secrets.yml, a YAML
// inventory): decrypted before they are parsed, and every value they define is then a secret.
import { registerSecret } from '../util/secrets.js';
import { isVaultText } from './format.js';
import { VaultError, VaultKeyring } from './keyring.js';

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

/**
 * JSON's form of an inline vault value, `{"__ansible_vault": "<vault text>"}` (ansible-inventory
 * prints it; Ansible's JSON reader decrypts it): each one in `value` becomes its plaintext.
 */
export function decryptJsonVaults(value: unknown, file: string, keyring: VaultKeyring, depth = 0): unknown {
  if (depth > 100 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decryptJsonVaults(v, file, keyring, depth + 1));
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === '__ansible_vault') {
    const text = entries[0]![1];
    if (typeof text !== 'string') throw new VaultError(`${file}: "__ansible_vault" must hold the vault text as a string`);
    return keyring.decrypt(text, file).plaintext.toString('utf8');
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, decryptJsonVaults(v, file, keyring, depth + 1)]));
}
