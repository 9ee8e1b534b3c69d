export { readLines } from '../../util/lines.js';

/** A line without its terminator ('\r\n' or '\n'), as Ansible compares lines. */
export function bare(line: string): string {
  return line.replace(/\r?\n$/, '');
}
