// Test double of a terminal screen: replays what was written to a TTY stream, honouring the few
// escape sequences log-update uses (erase line, cursor up, column 1), and returns what a user
// would see once the run is over. Colors and cursor visibility are dropped.

export function screen(raw: string): string {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const text = raw.replace(/\x1b\[[0-9;]*m/g, '').replace(/\x1b\[\?25[lh]/g, '');
  const token = /\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]/gu;
  for (const m of text.matchAll(token)) {
    const [s, n, cmd] = m;
    if (cmd !== undefined) {
      const count = n === '' ? 1 : Number(n);
      if (cmd === 'A') row = Math.max(0, row - count);
      else if (cmd === 'G') col = count - 1;
      else if (cmd === 'K') lines[row] = n === '2' ? '' : lines[row].slice(0, col);
      else throw new Error(`screen double: unsupported escape ESC[${n}${cmd}`);
    } else if (s === '\r') col = 0;
    else if (s === '\n') {
      row++;
      col = 0;
      while (lines.length <= row) lines.push('');
    } else {
      const line = lines[row].padEnd(col);
      lines[row] = line.slice(0, col) + s + line.slice(col + 1);
      col++;
    }
  }
  // rows below the cursor that were erased are blank on a real screen too, not output
  while (lines.length > row + 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
