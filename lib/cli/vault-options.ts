// The vault options every command that reads inventory or -e files takes, as ansible-playbook
// spells them (--vault-pass-file and --ask-vault-password are Ansible's aliases too).
import type { VaultKeyring } from '../vault/keyring.js';
import { loadVaultKeyring } from '../vault/secrets-source.js';

export const VAULT_OPTIONS = {
  'vault-id': { type: 'string', multiple: true },
  'vault-password-file': { type: 'string', multiple: true },
  'vault-pass-file': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean', short: 'J' },
  'ask-vault-password': { type: 'boolean' },
} as const;

export interface VaultOptionValues {
  'vault-id'?: string[];
  'vault-password-file'?: string[];
  'vault-pass-file'?: string[];
  'ask-vault-pass'?: boolean;
  'ask-vault-password'?: boolean;
}

/** The keyring the options describe; with none of them it is empty (no prompt, as in Ansible). */
export function vaultKeyring(o: VaultOptionValues, extra: { autoPrompt?: boolean; newPassword?: boolean; stdinBusy?: boolean } = {}): Promise<VaultKeyring> {
  return loadVaultKeyring({
    vaultIds: o['vault-id'],
    passwordFiles: [...(o['vault-password-file'] ?? []), ...(o['vault-pass-file'] ?? [])],
    askVaultPass: Boolean(o['ask-vault-pass'] || o['ask-vault-password']),
    ...extra,
  });
}
