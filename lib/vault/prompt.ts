// Reading a vault password from the terminal without echo, as Python's getpass does: from
// /dev/tty when the process has one (so stdin stays free for data, `tsplay vault encrypt -`),
// else one line from stdin when stdin is not a terminal (getpass's fallback; a script can pipe
// the password in).
import { closeSync, openSync, writeSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { createInterface } from 'node:readline';
import { VaultError } from './keyring.js';

export interface PromptOptions {
  /** stdin carries data (`-`), so it cannot carry a password too. */
  stdinBusy?: boolean;
}

export async function readHidden(prompt: string, opts: PromptOptions = {}): Promise<string> {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    fd = undefined;
  }
  if (fd !== undefined && !isatty(fd)) {
    closeSync(fd);
    fd = undefined;
  }
  if (fd !== undefined) return readFromTty(fd, prompt);
  if (process.stdin.isTTY || opts.stdinBusy) {
    throw new VaultError(`cannot ask for the vault password ("${prompt.trim()}"): no terminal to ask on; use --vault-password-file FILE instead`);
  }
  process.stderr.write(prompt);
  const line = await firstLine();
  process.stderr.write('\n');
  if (line === undefined) throw new VaultError(`EOF on the prompt "${prompt.trim()}" (no password typed)`);
  return line;
}

function firstLine(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let got: string | undefined;
    rl.once('line', (l) => {
      got = l;
      rl.close();
    });
    rl.once('close', () => resolve(got));
  });
}

function readFromTty(fd: number, prompt: string): Promise<string> {
  const input = new ReadStream(fd);
  // echo goes off before the prompt shows, so nothing typed after it can be echoed
  input.setRawMode(true);
  input.setEncoding('utf8');
  writeSync(fd, prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      writeSync(fd, '\r\n');
      input.destroy(); // closes fd
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string): void => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') return finish();
        if (c === '\x03') return finish(new VaultError('interrupted at the vault password prompt'));
        if (c === '\x04') {
          if (typed === '') return finish(new VaultError(`EOF (Ctrl-D) on the prompt "${prompt.trim()}"`));
          continue;
        }
        if (c === '\x7f' || c === '\b') typed = typed.slice(0, -1);
        else if (c === '\x15') typed = ''; // Ctrl-U clears the line, as a cooked terminal would
        else typed += c;
      }
    };
    input.on('data', onData);
    input.on('error', (e) => {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
      reject(new VaultError(`cannot read the vault password from the terminal: ${e.message}`));
    });
  });
}
