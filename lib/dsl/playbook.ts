import { dirname } from 'node:path';
import type { PlaySpec, Playbook } from './types.js';
import { callerLocation, formatLocation } from './source.js';

/** A playbook: plays run in order. Export it as the module's default export. */
export function playbook(name: string, plays: PlaySpec[]): Playbook {
  const here = callerLocation();
  const file = here?.file;
  return { kind: 'playbook', name, plays, dir: file ? dirname(file) : process.cwd(), at: formatLocation(here) };
}
