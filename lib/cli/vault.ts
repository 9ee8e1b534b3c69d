// `tsplay vault`: ansible-vault's actions with its options, writing files ansible-vault reads and
// reading the files it writes. Files are replaced atomically (temp file beside it, then rename);
// a file changed in place keeps its mode, a new file is 0600.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { isVaultText } from '../vault/format.js';
import { encryptWith, VaultError, type VaultKeyring, type VaultSecret } from '../vault/keyring.js';
import { loadVaultKeyring } from '../vault/secrets-source.js';
import { editInTemp } from '../vault/editor.js';
import { CliError, parse } from './args.js';
import { VAULT_OPTIONS, vaultKeyring } from './vault-options.js';

const OPTIONS = {
  ...VAULT_OPTIONS,
  'encrypt-vault-id': { type: 'string' },
  output: { type: 'string' },
  'new-vault-password-file': { type: 'string' },
  'new-vault-id': { type: 'string' },
  name: { type: 'string', short: 'n', multiple: true },
  'stdin-name': { type: 'string' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

const ACTIONS = ['create', 'decrypt', 'edit', 'view', 'encrypt', 'encrypt_string', 'rekey'] as const;
type Action = (typeof ACTIONS)[number];

// which action takes which of the action-specific options (as ansible-vault's subparsers)
const ONLY: Record<string, Action[]> = {
  output: ['encrypt', 'decrypt', 'encrypt_string'],
  'encrypt-vault-id': ['create', 'edit', 'encrypt', 'encrypt_string', 'rekey'],
  'new-vault-password-file': ['rekey'],
  'new-vault-id': ['rekey'],
  name: ['encrypt_string'],
  'stdin-name': ['encrypt_string'],
};

export const VAULT_USAGE = 'usage: tsplay vault create|decrypt|edit|view|encrypt|encrypt_string|rekey [options] [FILE...]; see tsplay --help';

export async function cmdVault(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  const [actionName, ...args] = positionals;
  if (!actionName || !(ACTIONS as readonly string[]).includes(actionName)) throw new CliError(actionName ? `unknown vault action '${actionName}'; ${VAULT_USAGE}` : VAULT_USAGE);
  const action = actionName as Action;
  for (const [opt, actions] of Object.entries(ONLY)) {
    if (o[opt as keyof Values] !== undefined && !actions.includes(action)) throw new CliError(`--${opt} is not an option of tsplay vault ${action} (it is for ${actions.join(', ')})`);
  }
  if (o.output !== undefined && args.length > 1) throw new CliError('at most one input file may be used with --output');
  if (o['new-vault-password-file'] !== undefined && o['new-vault-id'] !== undefined) throw new CliError('--new-vault-password-file and --new-vault-id are two ways to give the new password; use one');
  switch (action) {
    case 'encrypt':
      return encrypt(o, args);
    case 'decrypt':
      return decrypt(o, args);
    case 'view':
      return view(o, args);
    case 'create':
      return create(o, args);
    case 'edit':
      return edit(o, args);
    case 'rekey':
      return rekey(o, args);
    case 'encrypt_string':
      return encryptString(o, args);
  }
}

/** The secret new vault text is encrypted with (asks twice when it prompts). */
async function encryptingSecret(o: Values, stdinBusy: boolean): Promise<VaultSecret> {
  const keyring = await vaultKeyring(o, { autoPrompt: true, newPassword: true, stdinBusy });
  return keyring.encryptSecret(o['encrypt-vault-id']);
}

function readingKeyring(o: Values, stdinBusy: boolean): Promise<VaultKeyring> {
  return vaultKeyring(o, { autoPrompt: true, stdinBusy });
}

const shown = (f: string): string => (f === '-' ? 'stdin' : f);

/** A file's bytes (`-`: stdin); the path is resolved through symlinks, as ansible-vault does. */
function readInput(f: string): { data: Buffer; real: string } {
  if (f === '-') return { data: readFileSync(0), real: '-' };
  let real: string;
  try {
    real = realpathSync(f);
    return { data: readFileSync(real), real };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VaultError(`${f}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code ?? (e as Error).message})`}`);
  }
}

/** Writes `data` to stdout (`-`) or atomically to `file`, keeping the mode of what it replaces when asked. */
/** `plaintext`: decrypted secrets keep the owner's bits only (0644 becomes 0600), as ansible-vault does. */
function writeOutput(file: string, data: string | Uint8Array, keepModeOf?: string, plaintext = false): void {
  if (file === '-') {
    process.stdout.write(data);
    return;
  }
  const old = keepModeOf !== undefined ? statSync(keepModeOf) : undefined;
  const mode = old ? old.mode & (plaintext ? 0o700 : 0o7777) : 0o600;
  try {
    writeFileAtomic(file, data, mode);
    if (old) {
      // the rename put a new inode in place: give it the old owner (root can) and the old mode,
      // which the umask narrowed at creation
      if (process.getuid?.() === 0 && (old.uid !== 0 || old.gid !== 0)) chownSync(file, old.uid, old.gid);
      chmodSync(file, mode);
    }
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw new VaultError(`${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function stderrIfTty(msg: string): void {
  if (process.stdout.isTTY) process.stderr.write(`${msg}\n`);
}

async function encrypt(o: Values, args: string[]): Promise<number> {
  const files = args.length ? args : ['-'];
  const secret = await encryptingSecret(o, files.includes('-'));
  if (!args.length && process.stdin.isTTY) process.stderr.write('Reading plaintext input from stdin\n');
  for (const f of files) {
    const { data, real } = readInput(f);
    const out = o.output ?? (f === '-' ? '-' : real);
    writeOutput(out, encryptWith(data, secret, shown(f)), out === real ? real : undefined);
  }
  stderrIfTty('Encryption successful');
  return 0;
}

function decryptInput(keyring: VaultKeyring, f: string): { plaintext: Buffer; real: string; secret: VaultSecret; label?: string } {
  const { data, real } = readInput(f);
  const text = data.toString('utf8');
  if (!isVaultText(text)) throw new VaultError(`${shown(f)}: input is not vault encrypted data (it does not start with $ANSIBLE_VAULT)`);
  return { ...keyring.decrypt(text, shown(f)), real };
}

async function decrypt(o: Values, args: string[]): Promise<number> {
  const files = args.length ? args : ['-'];
  const keyring = await readingKeyring(o, files.includes('-'));
  if (!args.length && process.stdin.isTTY) process.stderr.write('Reading ciphertext input from stdin\n');
  for (const f of files) {
    const { plaintext, real } = decryptInput(keyring, f);
    const out = o.output ?? (f === '-' ? '-' : real);
    writeOutput(out, plaintext, out === real ? real : undefined, true);
  }
  stderrIfTty('Decryption successful');
  return 0;
}

async function view(o: Values, args: string[]): Promise<number> {
  if (!args.length) throw new CliError('usage: tsplay vault view FILE... (the files to show)');
  const keyring = await readingKeyring(o, args.includes('-'));
  for (const f of args) page(decryptInput(keyring, f).plaintext);
  return 0;
}

/** Shows text through $PAGER (less) on a terminal, as ansible-vault view does; else to stdout. */
function page(text: Buffer): void {
  if (process.stdout.isTTY) {
    const pager = process.env.PAGER || 'less';
    const r = spawnSync('/bin/sh', ['-c', pager], { input: text, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...process.env } });
    if (!r.error && r.status === 0) return;
  }
  process.stdout.write(text);
}

async function create(o: Values, args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] === '-') throw new CliError('tsplay vault create takes exactly one file name');
  const file = args[0]!;
  if (existsSync(file)) throw new VaultError(`${file} exists; use 'tsplay vault edit ${file}' instead`);
  const secret = await encryptingSecret(o, false);
  const dir = path.dirname(file);
  if (!existsSync(dir)) {
    process.stderr.write(`[WARNING]: ${dir} does not exist, creating...\n`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const edited = editInTemp(file, Buffer.alloc(0));
  writeOutput(file, encryptWith(edited, secret, file));
  return 0;
}

async function edit(o: Values, args: string[]): Promise<number> {
  if (!args.length || args.includes('-')) throw new CliError('usage: tsplay vault edit FILE... (files, not stdin)');
  const keyring = await readingKeyring(o, false);
  for (const f of args) {
    const { plaintext, real, secret, label } = decryptInput(keyring, f);
    const edited = editInTemp(real, plaintext);
    // unchanged content is not rewritten; the file keeps its own header's vault id and version
    if (!edited.equals(plaintext)) writeOutput(real, encryptWith(edited, secret, f, label ?? 'default'), real);
  }
  return 0;
}

async function rekey(o: Values, args: string[]): Promise<number> {
  if (!args.length || args.includes('-')) throw new CliError('usage: tsplay vault rekey FILE... (files, not stdin)');
  const keyring = await readingKeyring(o, false);
  const newId = o['new-vault-id'];
  const newFile = o['new-vault-password-file'];
  // ANSIBLE_VAULT_PASSWORD_FILE is the old password here, never silently the new one
  const fresh = await loadVaultKeyring({
    vaultIds: newId !== undefined ? [newId] : [],
    passwordFiles: newFile !== undefined ? [newFile] : [],
    askVaultPass: Boolean(o['ask-vault-pass'] || o['ask-vault-password']),
    newPassword: true,
    autoPrompt: true,
    env: {},
  });
  const secret = fresh.encryptSecret(o['encrypt-vault-id']);
  for (const f of args) {
    const { plaintext, real } = decryptInput(keyring, f);
    writeOutput(real, encryptWith(plaintext, secret, f), real);
  }
  process.stderr.write('Rekey successful\n');
  return 0;
}

async function encryptString(o: Values, args: string[]): Promise<number> {
  const readStdin = args.includes('-') || args.length === 0 || o['stdin-name'] !== undefined;
  const secret = await encryptingSecret(o, readStdin);
  const inputs: { text: Buffer; from: string; name?: string }[] = [];
  if (readStdin) {
    if (process.stdout.isTTY) process.stderr.write('Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n');
    const text = readFileSync(0);
    if (text.length === 0) throw new CliError('stdin was empty, not encrypting');
    inputs.push({ text, from: 'stdin', name: o['stdin-name'] });
  }
  const strings = args.filter((a) => a !== '-');
  const names = o.name ?? [];
  if (names.length && strings.length > names.length) {
    // vague on purpose: the strings themselves are never shown
    process.stderr.write(`The number of --name options do not match the number of args.\nThe last named variable will be "${names[names.length - 1]}". The rest will not have names.\n`);
  }
  strings.forEach((s, i) => {
    if (s === '') throw new CliError('The plaintext provided from the command line args was empty, not encrypting');
    inputs.push({ text: Buffer.from(s, 'utf8'), from: 'the command line args', name: names[i] });
  });
  const outs = inputs.map((input, i) => {
    if (inputs.length > 1) {
      process.stderr.write(input.name
        ? `# The encrypted version of variable ("${input.name}", the string #${i + 1} from ${input.from}).\n`
        : `# The encrypted version of the string #${i + 1} from ${input.from}.)\n`);
    }
    const lines = encryptWith(input.text, secret, `the string #${i + 1} from ${input.from}`).split('\n').filter(Boolean);
    return [`${input.name ? `${input.name}: ` : ''}!vault |`, ...lines.map((l) => `          ${l}`)].join('\n');
  });
  // no newline after the last line, exactly as ansible-vault prints it
  writeOutput(o.output ?? '-', outs.join('\n'));
  stderrIfTty('Encryption successful');
  return 0;
}
