import type { Inventory } from '../inventory/index.js';
import { hostVars } from '../inventory/index.js';
import { isSecretName } from '../util/secrets.js';

// The inventory's secrets, known before anything runs: connection and become passwords, and any
// var whose name says it is a secret (kubespray keeps rbd and cloud secrets in group vars).
export function collectSecrets(inv: Inventory): string[] {
  const found = new Set<string>();
  for (const host of inv.hosts.keys()) {
    for (const [k, v] of Object.entries(hostVars(inv, host))) {
      if (isSecretName(k) && (typeof v === 'string' || typeof v === 'number')) found.add(String(v));
    }
  }
  return [...found];
}
