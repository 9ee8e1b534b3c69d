/// <reference path="./ssh2-internals.d.ts" />
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import keyParser from 'ssh2/lib/protocol/keyParser.js';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware } from 'ssh2';

// Authentication in OpenSSH/Ansible order: the configured key file, then the agent's keys, then
// OpenSSH's default identity files (only when no key file is configured), then the password
// (password method, or keyboard-interactive answering the password prompt). Every step is
// recorded so a refusal says what was tried — without any secret.

export interface AuthCredentials {
  user: string;
  privateKeyFile?: string;
  privateKeyPassphrase?: string;
  password?: string;
  agentSocket?: string;
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** what was attempted, e.g. ['publickey /k', 'agent'] */
  tried: string[];
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface Step {
  label: string;
  needs: AuthenticationType[];
  method: () => AnyAuthMethod | string; // a string is a reason to skip
}

function keyStep(user: string, file: string, passphrase: string | undefined): Step {
  return {
    label: `publickey ${file}`,
    needs: ['publickey'],
    method: () => {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (e) {
        return `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
      const parsed = keyParser.parseKey(data, passphrase);
      if (parsed instanceof Error) {
        return /passphrase/i.test(parsed.message)
          ? passphrase === undefined
            ? 'encrypted, no passphrase given (add it to ssh-agent)'
            : 'wrong passphrase'
          : `not a usable private key: ${parsed.message}`;
      }
      return { type: 'publickey', username: user, key: data, passphrase };
    },
  };
}

export function authPlan(c: AuthCredentials): AuthPlan {
  const steps: Step[] = [];
  if (c.privateKeyFile) steps.push(keyStep(c.user, c.privateKeyFile, c.privateKeyPassphrase));
  if (c.agentSocket) {
    const agent = c.agentSocket;
    steps.push({ label: 'agent', needs: ['publickey'], method: () => ({ type: 'agent', username: c.user, agent }) });
  }
  if (!c.privateKeyFile) {
    for (const name of DEFAULT_IDENTITIES) {
      const f = join(homedir(), '.ssh', name);
      if (existsSync(f)) steps.push(keyStep(c.user, f, undefined));
    }
  }
  if (c.password !== undefined) {
    const password = c.password;
    steps.push({ label: 'password', needs: ['password'], method: () => ({ type: 'password', username: c.user, password }) });
    steps.push({
      label: 'keyboard-interactive',
      needs: ['keyboard-interactive'],
      method: () => ({
        type: 'keyboard-interactive',
        username: c.user,
        prompt: (_name, _instr, _lang, prompts, finish) => finish(prompts.map(() => password)),
      }),
    });
  }

  const tried: string[] = [];
  let i = 0;
  let passwordSent = false;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    while (i < steps.length) {
      const s = steps[i++];
      // the server lists what it still accepts; null before the first attempt
      if (methodsLeft && !s.needs.some((n) => methodsLeft.includes(n))) continue;
      // the password goes out once, by whichever method the server offers first
      if ((s.label === 'password' || s.label === 'keyboard-interactive') && passwordSent) continue;
      const m = s.method();
      if (typeof m === 'string') {
        tried.push(`${s.label} (${m})`);
        continue;
      }
      if (s.label === 'password' || s.label === 'keyboard-interactive') passwordSent = true;
      tried.push(s.label);
      return next(m);
    }
    return next(false as unknown as AnyAuthMethod);
  };
  return { handler, tried };
}
