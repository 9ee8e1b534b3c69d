// ANSI colors used by every human-facing rendering. Only applied when the reporter's color is on,
// so plain logs (CI) stay byte-for-byte greppable.

import type { HostStatus } from './events.js';

export type Paint = (text: string) => string;

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;

export interface Palette {
  green: Paint;
  yellow: Paint;
  red: Paint;
  cyan: Paint;
  magenta: Paint;
  bold: Paint;
}

const plain: Paint = (text) => text;

export function palette(color: boolean): Palette {
  if (!color) return { green: plain, yellow: plain, red: plain, cyan: plain, magenta: plain, bold: plain };
  return {
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    red: sgr(31, 39),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
    bold: sgr(1, 22),
  };
}

/** Ansible's colors: green ok, yellow changed, red failed/unreachable, cyan skipped. */
export function statusPaint(p: Palette, status: HostStatus): Paint {
  switch (status) {
    case 'ok':
      return p.green;
    case 'changed':
      return p.yellow;
    case 'skipped':
      return p.cyan;
    case 'ignored':
    case 'rescued':
      return p.magenta;
    case 'failed':
    case 'unreachable':
      return p.red;
  }
}

/** Whether colors should be used for a stream when the caller did not say. */
export function defaultColor(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return isTTY(out) && !noColor;
}

export function isTTY(out: NodeJS.WritableStream): boolean {
  return (out as { isTTY?: boolean }).isTTY === true;
}
