import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's pause. Runs on the controller (the executor runs it once per batch, like Ansible).
// With seconds/minutes it waits that long; without, it shows the prompt and waits for Enter.
// As in Ansible, when stdin is not an interactive terminal (CI) a prompt is not waited for: a
// warning is printed and the play continues. Check mode pauses too.

export interface PauseArgs {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  /** show what is typed; default true */
  echo?: boolean;
}

export interface PauseResult extends ModuleResult {
  user_input: string;
  /** ISO times */
  start: string;
  stop: string;
  /** whole seconds paused */
  delta: number;
  echo: boolean;
  stdout: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seconds: { type: 'number', minimum: 0 },
    minutes: { type: 'number', minimum: 0 },
    prompt: { type: 'string' },
    echo: { type: 'boolean' },
  },
};

const NOT_INTERACTIVE = 'Not waiting for response to prompt as stdin is not interactive';

function readLine(prompt: string, echo: boolean): Promise<string> {
  let muted = false;
  // with echo off, the prompt is written but typed characters are not
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.question(`${prompt}:\n`, (answer) => {
      rl.close();
      if (!echo) process.stdout.write('\n');
      resolve(answer);
    });
    muted = !echo;
    rl.once('SIGINT', () => {
      rl.close();
      reject(new ModuleFailure('user requested abort!'));
    });
  });
}

export const pause = defineModule<PauseArgs, PauseResult>({
  name: 'pause',
  schema,
  once: true,
  async run(args, ctx) {
    if (args.seconds !== undefined && args.minutes !== undefined) throw new ModuleFailure('pause: seconds and minutes are mutually exclusive');
    const echo = args.echo ?? true;
    const seconds = args.seconds ?? (args.minutes !== undefined ? args.minutes * 60 : undefined);
    const start = new Date();
    let userInput = '';
    if (seconds !== undefined) {
      if (args.prompt) ctx.log(args.prompt);
      await new Promise((r) => setTimeout(r, seconds * 1000));
    } else {
      const prompt = args.prompt ?? 'Press enter to continue, Ctrl+C to interrupt';
      if (process.stdin.isTTY && process.stdout.isTTY) userInput = await readLine(prompt, echo);
      else {
        ctx.log(prompt);
        ctx.log(`[WARNING]: ${NOT_INTERACTIVE}`);
      }
    }
    const stop = new Date();
    const secs = (stop.getTime() - start.getTime()) / 1000;
    const unit = args.minutes !== undefined ? 'minutes' : 'seconds';
    const shown = Math.round((unit === 'minutes' ? secs / 60 : secs) * 100) / 100;
    return {
      changed: false,
      user_input: userInput,
      start: start.toISOString(),
      stop: stop.toISOString(),
      delta: Math.floor(secs),
      echo,
      stdout: `Paused for ${shown} ${unit}`,
    };
  },
});
