// Inline vault values in YAML (`password: !vault |` followed by the vault text, what
// `ansible-vault encrypt_string` prints), and their JSON form `{"__ansible_vault": "..."}` (what
// ansible-inventory prints for them, and Ansible's JSON reader turns back into vault values).
// The `!vault` tag is read as a plain string so the parser does not warn; after parsing, each
// value is decrypted in place, where its line is still known for a message.
import { isCollection, isMap, isScalar, Scalar, visit, type Document, type LineCounter, type ScalarTag } from 'yaml';
import { VaultError, type VaultKeyring } from './keyring.js';

export const VAULT_TAG = '!vault';
const JSON_KEY = '__ansible_vault';

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
    } else if (isMap(node) && node.items.length === 1 && isScalar(node.items[0]!.key) && node.items[0]!.key.value === JSON_KEY) {
      const value = node.items[0]!.value;
      const where = `${file}:${node.range ? lines.linePos(node.range[0]).line : '?'}`;
      if (!isScalar(value) || typeof value.value !== 'string') throw new VaultError(`${where}: "${JSON_KEY}" must hold the vault text as a string`);
      const plain = new Scalar(keyring.decrypt(value.value, where).plaintext.toString('utf8'));
      plain.range = node.range;
      return plain;
    } else if (isCollection(node) && node.tag === VAULT_TAG) {
      const where = `${file}:${node.range ? lines.linePos(node.range[0]).line : '?'}`;
      throw new VaultError(`${where}: a !vault value must be the vault text as a string, not a mapping or list`);
    }
    return undefined;
  });
}
