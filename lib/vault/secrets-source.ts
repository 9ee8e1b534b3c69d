// Where vault passwords come from, as ansible-core's CLI sets them up: --vault-id LABEL@SOURCE
// (SOURCE a file, an executable script, or "prompt"), --vault-password-file FILE (vault id
// "default"), ANSIBLE_VAULT_PASSWORD_FILE after those, and --ask-vault-pass last. A password file
// is stripped of surrounding whitespace; a script's stdout of its line ending; a script named
// `*-client[.ext]` is asked for the id with `--vault-id LABEL` (exit 2: it has no such id).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { VaultError, VaultKeyring, type VaultSecret } from './keyring.js';
import { readHidden } from './prompt.js';
import { isVaultText } from './format.js';

export interface VaultSourceOptions {
  vaultIds?: string[];
  passwordFiles?: string[];
  askVaultPass?: boolean;
  /** Prompting makes a new password: ask twice and compare (encrypt, create, rekey's new one). */
  newPassword?: boolean;
  /** Ask when nothing else gives a password (ansible-vault does; run and inventory do not). */
  autoPrompt?: boolean;
  /** stdin carries data, so a prompt needs a terminal. */
  stdinBusy?: boolean;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_ID = 'default';

/** `label@source` → [label, source]; no `@` → the default id (Ansible's split_vault_id). */
export function splitVaultId(spec: string): { label: string; source: string } {
  const at = spec.indexOf('@');
  const label = at < 0 ? DEFAULT_ID : spec.slice(0, at) || DEFAULT_ID;
  const source = at < 0 ? spec : spec.slice(at + 1);
  if (label.includes(';')) throw new VaultError(`--vault-id ${spec}: '${label}' is not a valid vault id: ';' is not allowed in vault ids`);
  if (!source) throw new VaultError(`--vault-id ${spec}: say where the password comes from: LABEL@FILE, LABEL@SCRIPT or LABEL@prompt`);
  return { label, source };
}

export async function loadVaultKeyring(opts: VaultSourceOptions): Promise<VaultKeyring> {
  const env = opts.env ?? process.env;
  // ANSIBLE_VAULT_IDENTITY_LIST (comma-separated LABEL@SOURCE) comes first, as in Ansible
  const specs = [...(env.ANSIBLE_VAULT_IDENTITY_LIST ?? '').split(',').map((x) => x.trim()).filter(Boolean), ...(opts.vaultIds ?? [])];
  for (const f of opts.passwordFiles ?? []) specs.push(`${DEFAULT_ID}@${f}`);
  if (env.ANSIBLE_VAULT_PASSWORD_FILE) specs.push(`${DEFAULT_ID}@${env.ANSIBLE_VAULT_PASSWORD_FILE}`);
  if (opts.askVaultPass || (specs.length === 0 && opts.autoPrompt)) specs.push(`${DEFAULT_ID}@prompt_ask_vault_pass`);
  const secrets: VaultSecret[] = [];
  for (const spec of specs) {
    const { label, source } = splitVaultId(spec);
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      const password = await prompted(label, source === 'prompt_ask_vault_pass', opts);
      secrets.push({ label, password, source: 'prompt' });
    } else {
      // a password file may itself be vault-encrypted with a password given before it
      secrets.push({ label, password: fromFile(source, label, new VaultKeyring(secrets)), source });
    }
  }
  return new VaultKeyring(secrets);
}

async function prompted(label: string, legacy: boolean, opts: VaultSourceOptions): Promise<Buffer> {
  const asks = opts.newPassword
    ? legacy ? ['New Vault password: ', 'Confirm New Vault password: '] : [`New vault password (${label}): `, `Confirm new vault password (${label}): `]
    : legacy ? ['Vault password: '] : [`Vault password (${label}): `];
  const answers: string[] = [];
  for (const ask of asks) {
    const a = (await readHidden(ask, { stdinBusy: opts.stdinBusy })).trim();
    if (!a) throw new VaultError(`an empty vault password was given at the prompt (vault id ${label}); type a password`);
    answers.push(a);
  }
  if (answers.some((a) => a !== answers[0])) throw new VaultError('the vault passwords typed do not match; try again');
  return Buffer.from(answers[0]!, 'utf8');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function fromFile(file: string, label: string, earlier: VaultKeyring): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new VaultError(`the vault password file ${file} was not found; check the path given with --vault-password-file or --vault-id`);
  }
  if (st.isDirectory()) throw new VaultError(`the vault password file ${file} is a directory; name the file that holds the password`);
  let password: Buffer;
  if (isExecutable(file)) {
    password = fromScript(path.resolve(file), label);
  } else {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      throw new VaultError(`cannot read the vault password file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    data = Buffer.from(data.toString('utf8').trim(), 'utf8');
    if (isVaultText(data)) data = earlier.decrypt(data.toString('utf8'), file).plaintext;
    password = Buffer.from(data.toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'utf8');
  }
  if (password.length === 0) throw new VaultError(`the vault password file ${file} gave an empty password; put the password in it`);
  return password;
}

function fromScript(file: string, label: string): Buffer {
  const client = path.basename(file, path.extname(file)).endsWith('-client');
  const args = client ? ['--vault-id', label] : [];
  // stdin and (for plain scripts) stderr stay the user's, so a script can ask for something
  const r = spawnSync(file, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'], maxBuffer: 1 << 20 });
  if (r.error) throw new VaultError(`cannot run the vault password script ${file} (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); if it is not a script, remove its executable bit`);
  const err = r.stderr ? r.stderr.toString('utf8').trim() : '';
  if (client && r.status === 2) throw new VaultError(`the vault password client script ${file} has no secret for vault id ${label}${err ? `: ${err}` : ''}`);
  if (r.status !== 0) throw new VaultError(`the vault password script ${file} exited with ${r.status ?? r.signal}${err ? `: ${err}` : ''}`);
  return Buffer.from(r.stdout.toString('utf8').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'utf8');
}
