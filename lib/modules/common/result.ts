import { createHash } from 'node:crypto';
import type { FileDiff } from '../types.js';
import type { AttrChanges } from './attrs.js';

// Small helpers shared by the file modules' results.

export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Ansible's stdout_lines: split on newlines, no trailing empty element. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** The diff entries for one path: content (when it changes) and attributes (when they change). */
export function fileDiffs(
  path: string,
  content: { before: string; after: string } | undefined,
  attrs: AttrChanges,
): FileDiff[] {
  const out: FileDiff[] = [];
  if (content && content.before !== content.after) out.push({ path, before: content.before, after: content.after });
  if (Object.keys(attrs).length > 0) out.push({ path, attrs });
  return out;
}

/** Text shown for binary content in a diff, so the reporter never prints raw bytes. */
export function diffText(data: Buffer | undefined): string {
  if (!data) return '';
  return data.includes(0) ? `[binary content, ${data.length} bytes, sha1 ${sha1(data)}]\n` : data.toString('utf8');
}
