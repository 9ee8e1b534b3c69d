// The run's secrets, in one place every source adds to: inventory vars named like secrets, become
// and SSH passwords, vault-decrypted values, and whatever a run learns is secret as it goes. The
// list is live: reporters hold this same array, so a value added mid-run is masked from then on.
//
// How a run learns: a variable whose name says it is a secret (`*password`, `*secret`, `*token`,
// ...) or that holds the result of a `noLog` task is a secret source. Reading one through the
// template engine registers its value and counts a "secret read" (secretReads()); a render that
// saw the count move produced a value derived from a secret (`{{ token | b64encode }}`), which the
// engine registers in turn (a derived variable, a fact, a module argument) and, for content a
// module writes, keeps out of diffs.

const registry: string[] = [];
/** the same values, for the membership test every secret read makes */
const known = new Set<string>();
const names = new Set<string>();
let reads = 0;

/**
 * Keys of a task result (and of each loop item's result) that describe the task rather than carry
 * its data: a noLog result's host names, paths and modes are not secrets (registering them would
 * mask every later mention of the host, or of '0640').
 */
const RESULT_METADATA = new Set(['changed', 'failed', 'skipped', 'rc', 'cmd', 'start', 'end', 'delta', 'attempts', 'item', 'dest', 'src', 'source', 'path', 'state', 'mode', 'owner', 'group', 'uid', 'gid', 'size', 'checksum', 'backup_file', 'diff', 'encoding', 'invocation']);

function isResultMetadata(key: string): boolean {
  return RESULT_METADATA.has(key) || key.startsWith('_') || key.startsWith('ansible_');
}

/** Values shorter than this are not masked: masking "1" or "yes" would garble every line. */
export const MIN_SECRET_LENGTH = 4;

const SECRET_NAME = /(_pass|^pass|password|passwd|secret|token|passphrase|api_?key|private_key_data)$/i;

/** Whether a variable of this name holds a secret (by its name, or marked so during the run). */
export function isSecretName(name: string): boolean {
  return names.has(name) || SECRET_NAME.test(name);
}

/** Marks a variable name as a secret source (the register of a `noLog` task). */
export function markSecretName(name: string): void {
  names.add(name);
}

/** Adds a secret (a number counts by its text); short or repeated values are ignored. */
export function registerSecret(value: string | number): void {
  const s = String(value);
  if (s.length < MIN_SECRET_LENGTH || known.has(s)) return;
  known.add(s);
  registry.push(s);
}

/** Registers every string and number inside `value` (a var, a result, a fact) and counts a secret read. */
export function noteSecret(value: unknown): void {
  reads++;
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string' || typeof v === 'number') registerSecret(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (depth < 20 && v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (!isResultMetadata(k)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
}

/**
 * A value rendered from a secret: a string or number is registered (and counts as a secret read
 * for whatever renders it in turn); a list or dict is not walked, or every host name and path in
 * a dumped dict would be masked from then on. A text that holds a known secret as it is stays
 * unregistered: the secret inside it is masked, the rest stays readable. (A text that holds both a
 * secret and a transformation of it, "{{ t }} {{ t | b64encode }}", then shows the latter.)
 */
export function noteDerived(value: unknown): void {
  reads++;
  // a text that shows the secret itself is masked where the secret stands ("db=********"); only
  // a transformed one (base64, a hash, upper case) is masked whole
  if (typeof value === 'number' || (typeof value === 'string' && !holdsSecret(value))) registerSecret(value);
}

/**
 * Reading a value that is itself a registered secret (an item of a list slurped under noLog, a
 * field of a secret dict reached through another variable) is a secret read: what is rendered
 * from it (`{{ item.content | b64decode }}`) is then registered in turn.
 */
export function noteIfSecret(value: unknown): void {
  if ((typeof value === 'string' || typeof value === 'number') && known.has(String(value))) reads++;
}

/** How many secret reads the run has made so far: a render that moves it made a derived secret. */
export function secretReads(): number {
  return reads;
}

/** Whether `text` holds a registered secret. */
export function holdsSecret(text: string): boolean {
  return registry.some((s) => text.includes(s));
}

/** Every secret registered so far, as a live array (it grows as the run learns more). */
export function knownSecrets(): readonly string[] {
  return registry;
}
