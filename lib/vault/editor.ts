// Editing decrypted vault content: a private temp directory (0700) holds a 0600 copy named like
// the target (so the editor picks its syntax), $EDITOR (default vi) edits it, and the copy is
// overwritten with zeros before it is removed, as ansible-vault shreds its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shlexSplit } from '../util/shlex.js';
import { VaultError } from './keyring.js';

function editorCommand(): string[] {
  const spec = process.env.EDITOR || 'vi';
  let words: string[];
  try {
    words = shlexSplit(spec);
  } catch (e) {
    throw new VaultError(`EDITOR='${spec}' cannot be split into words (${(e as Error).message}); fix the variable`);
  }
  if (!words.length) throw new VaultError('EDITOR is empty; set it to your editor, e.g. EDITOR=vi');
  return words;
}

/** Lets the user edit `content` as a file named like `target`; returns what they saved. */
export function editInTemp(target: string, content: Buffer): Buffer {
  const [cmd, ...args] = editorCommand();
  const dir = mkdtempSync(path.join(tmpdir(), 'tsplay-vault-'));
  const tmp = path.join(dir, path.basename(target));
  try {
    writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    const r = spawnSync(cmd!, [...args, tmp], { stdio: 'inherit' });
    if (r.error) throw new VaultError(`cannot run the editor '${cmd}' (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); set EDITOR to an editor that is installed`);
    // an editor that fails (vim's :cq) means "do not save": the vault file is left as it was
    if (r.status !== 0) throw new VaultError(`the editor '${cmd}' exited with ${r.status ?? r.signal}; ${target} was not changed`);
    return readFileSync(tmp);
  } finally {
    try {
      writeFileSync(tmp, Buffer.alloc(statSync(tmp).size));
    } catch {
      /* gone already: nothing to overwrite */
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
