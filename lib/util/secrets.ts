// The run's secrets, in one place every source adds to: inventory vars named like secrets, become
// and SSH passwords, vault-decrypted values, and whatever a run learns is secret as it goes. The
// list is live: reporters hold this same array, so a value added mid-run is masked from then on.

const registry: string[] = [];

/** Values shorter than this are not masked: masking "1" or "yes" would garble every line. */
export const MIN_SECRET_LENGTH = 4;

/** Adds a secret (a number counts by its text); short or repeated values are ignored. */
export function registerSecret(value: string | number): void {
  const s = String(value);
  if (s.length >= MIN_SECRET_LENGTH && !registry.includes(s)) registry.push(s);
}

/** Every secret registered so far, as a live array (it grows as the run learns more). */
export function knownSecrets(): readonly string[] {
  return registry;
}
