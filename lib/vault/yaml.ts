// Inline vault values in YAML (`password: !vault |` followed by the vault text, what
// `ansible-vault encrypt_string` prints). The `!vault` tag is read as a plain string so the
// parser does not warn; after parsing, each tagged scalar is decrypted in place, where its line
// is still known for a message.
import { isCollection, isScalar, visit, type Document, type LineCounter, type ScalarTag } from 'yaml';
import { VaultError, type VaultKeyring } from './keyring.js';

export const VAULT_TAG = '!vault';

export const vaultTag: ScalarTag = {
  tag: VAULT_TAG,
  identify: () => false,
  resolve: (s: string) => s,
};

/** Decrypts every `!vault` scalar of `doc` in place; `file` and the line name it in errors. */
export function decryptVaultScalars(doc: Document, lines: LineCounter, file: string, keyring: VaultKeyring): void {
  visit(doc, (_key, node) => {
    if (isScalar(node) && node.tag === VAULT_TAG) {
      const where = `${file}:${node.range ? lines.linePos(node.range[0]).line : '?'}`;
      if (typeof node.value !== 'string') throw new VaultError(`${where}: a !vault value must be the vault text as a string (ansible-vault encrypt_string prints it)`);
      node.value = keyring.decrypt(node.value, where).plaintext.toString('utf8');
      node.tag = undefined;
    } else if (isCollection(node) && node.tag === VAULT_TAG) {
      const where = `${file}:${node.range ? lines.linePos(node.range[0]).line : '?'}`;
      throw new VaultError(`${where}: a !vault value must be the vault text as a string, not a mapping or list`);
    }
    return undefined;
  });
}
