// Last line of defence for secrets (become/vault passwords): whatever text reaches a user goes
// through this when the reporter knows the secrets.

export const MASK = '********';

/** Replace every occurrence of each non-empty secret in `text` with `********`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  // longest first, so a secret that contains another one is masked whole
  const list = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of list) out = out.split(secret).join(MASK);
  return out;
}

/** Mask every string and number inside a JSON-like value (keys included), keeping its shape. */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecrets(v, secrets);
    // a numeric secret (a PIN, a numeric token) would otherwise print as the number itself
    if (typeof v === 'number' || typeof v === 'bigint') {
      const masked = maskSecrets(String(v), secrets);
      return masked === String(v) ? v : masked;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [maskSecrets(k, secrets), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
