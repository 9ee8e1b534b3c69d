import type { Inventory } from '../inventory/index.js';
import { hostVars } from '../inventory/index.js';

// Values that must never be printed: connection and become passwords, and any inventory var
// whose name says it is a secret (kubespray keeps rbd and cloud secrets in group vars).
const SECRET_NAME = /(^ansible_(ssh_)?pass$|password|passwd|secret|token|private_key_passphrase)$/i;

export function collectSecrets(inv: Inventory): string[] {
  const found = new Set<string>();
  for (const host of inv.hosts.keys()) {
    for (const [k, v] of Object.entries(hostVars(inv, host))) {
      if (SECRET_NAME.test(k) && (typeof v === 'string' || typeof v === 'number') && String(v).length >= 4) found.add(String(v));
    }
  }
  return [...found];
}
