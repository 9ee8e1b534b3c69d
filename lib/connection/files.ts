import { shq } from '../util/shell.js';
import type { PutOptions } from './types.js';

// Shell fragments shared by every connection. The temp file lives beside the destination so the
// final rename is atomic: a reader sees the old file or the new one, never half of either.

export function atomicWriteScript(dest: string, opts: Pick<PutOptions, 'mode' | 'owner' | 'group'> = {}): string {
  const d = shq(dest);
  const steps = [
    `set -e`,
    `t=$(mktemp "$(dirname ${d})/.tsplay.XXXXXX")`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
  ];
  // keep the mode/owner of an existing file unless told otherwise, like Ansible's copy
  if (opts.mode) steps.push(`chmod ${shq(opts.mode)} "$t"`);
  else steps.push(`if [ -e ${d} ]; then chmod "$(stat -c %a ${d})" "$t"; else chmod 0644 "$t"; fi`);
  if (opts.owner || opts.group) steps.push(`chown ${shq(`${opts.owner ?? ''}${opts.group ? ':' + opts.group : ''}`)} "$t"`);
  else steps.push(`if [ -e ${d} ]; then chown "$(stat -c %u:%g ${d})" "$t" 2>/dev/null || true; fi`);
  steps.push(`mv -f "$t" ${d}`, `trap - EXIT`);
  return steps.join('\n');
}

export function readFileScript(path: string): string {
  return `base64 -w0 < ${shq(path)}`;
}
