// Shared helpers for the inventory tests: real files in a temp directory, removed afterwards.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { InventoryError, loadInventory } from '../../lib/inventory/index.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/inventory');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** A scratch directory; call cleanup() in after(). */
export function scratch(): { dir: string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsplay-inv-'));
  return {
    dir,
    write(name: string, text: string): string {
      const p = path.join(dir, name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    cleanup(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Load `sources`, which must fail: returns the InventoryError (anything else fails the test). */
export async function loadError(sources: string[]): Promise<InventoryError> {
  let err: unknown;
  try {
    await loadInventory(sources);
  } catch (e) {
    err = e;
  }
  expect(err).to.be.instanceOf(InventoryError);
  return err as InventoryError;
}
