// -K / -k: the become and SSH passwords, asked for once before the run without echo (from the
// terminal, or one line of stdin when there is none, as Python's getpass). They go in as the
// lowest-precedence vars of 'all', so an inventory's ansible_become_password or ansible_password
// still wins, as in Ansible; each is registered as a secret, so no output can show it.
import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';
import { createInterface } from 'node:readline';
import type { Inventory } from '../inventory/index.js';
import { registerSecret } from '../util/secrets.js';
import { readHidden } from '../vault/prompt.js';
import { CliError } from './args.js';
import type { RunPlan } from './runplan.js';

function haveTerminal(): boolean {
  try {
    const fd = openSync('/dev/tty', 'r+');
    const tty = isatty(fd);
    closeSync(fd);
    return tty;
  } catch {
    return false;
  }
}

/** Without a terminal, -k and -K each take one line of stdin: one reader for both, in order. */
class StdinLines {
  private readonly lines: string[] = [];
  private readonly waiting: ((l: string | undefined) => void)[] = [];
  private ended = false;
  private readonly rl = createInterface({ input: process.stdin, terminal: false });

  constructor() {
    this.rl.on('line', (l) => (this.waiting.length ? this.waiting.shift()!(l) : this.lines.push(l)));
    this.rl.once('close', () => {
      this.ended = true;
      while (this.waiting.length) this.waiting.shift()!(undefined);
    });
  }

  next(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** stdin is not read again: the run must not wait for it to close */
  done(): void {
    this.rl.close();
    process.stdin.pause();
  }
}
let stdinLines: StdinLines | undefined;
const nextStdinLine = (): Promise<string | undefined> => (stdinLines ??= new StdinLines()).next();

async function ask(prompt: string, flag: string): Promise<string> {
  try {
    if (!haveTerminal() && !process.stdin.isTTY) {
      process.stderr.write(`${prompt}\n`);
      const line = await nextStdinLine();
      if (line === undefined) throw new CliError(`${flag}: EOF on the prompt "${prompt.trim()}" (no password given)`);
      return line;
    }
    return await readHidden(prompt);
  } catch (e) {
    if (e instanceof CliError) throw e;
    // the prompt's errors speak of the vault password: say which one was asked for
    throw new CliError(`${flag}: ${(e as Error).message.replace(/the vault password/g, 'a password')}`);
  }
}

export async function askPasswords(plan: Pick<RunPlan, 'ask' | 'becomeMethod'>, inv: Inventory): Promise<void> {
  const all = inv.groups.get('all');
  if (!all) return;
  const setDefault = (key: string, value: string): void => {
    if (!(key in all.vars)) all.vars[key] = value;
  };
  if (plan.ask.sshPass) {
    const pw = await ask('SSH password: ', '-k');
    registerSecret(pw);
    setDefault('ansible_password', pw);
  }
  if (plan.ask.becomePass) {
    // Ansible's prompt; with -k too an empty answer means "the SSH password"
    const pw = await ask(plan.ask.sshPass ? 'BECOME password[defaults to SSH password]: ' : 'BECOME password: ', '-K');
    const value = pw === '' && plan.ask.sshPass ? String(all.vars.ansible_password ?? '') : pw;
    registerSecret(value);
    setDefault('ansible_become_password', value);
  }
  if (plan.becomeMethod) setDefault('ansible_become_method', plan.becomeMethod);
  stdinLines?.done();
}
