// Line-based unified diff (Myers' O(ND) algorithm), git-style headers. Used by the reporter for
// --diff output and by module tests. Lines keep their terminator while comparing, so a missing
// final newline is a real difference and is shown as "\ No newline at end of file".

import { readLines } from './lines.js';

type Op = { t: ' ' | '-' | '+'; line: string };

/** Shortest edit script between a and b (both already trimmed of common prefix/suffix). */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[k - 1 + off] < v[k + 1 + off]) ? v[k + 1 + off] : v[k - 1 + off] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + off] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const tv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && tv[k - 1 + off] < tv[k + 1 + off]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : tv[prevK + off];
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ t: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ t: '+', line: b[prevY] });
      else ops.push({ t: '-', line: a[prevX] });
      x = prevX;
      y = prevY;
    }
  }
  return ops.reverse();
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const head = a.slice(0, pre).map((line): Op => ({ t: ' ', line }));
  const tail = a.slice(a.length - suf).map((line): Op => ({ t: ' ', line }));
  return [...head, ...myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)), ...tail];
}

function range(start: number, count: number): string {
  // git: an empty range names the line before it; a one-line range omits the count
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

function renderLine(op: Op): string {
  if (op.line.endsWith('\n')) return op.t + op.line.slice(0, -1);
  return `${op.t}${op.line}\n\\ No newline at end of file`;
}

/** Unified diff of two texts; '' when they are equal. */
export function unifiedDiff(before: string, after: string, opts: { path: string; context?: number }): string {
  if (before === after) return '';
  const ctx = Math.max(0, opts.context ?? 3);
  const ops = diffLines(readLines(before), readLines(after));
  const out = [`--- before: ${opts.path}`, `+++ after: ${opts.path}`];
  // positions (1-based) of each op in a and b
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 1;
  let ib = 1;
  for (const op of ops) {
    posA.push(ia);
    posB.push(ib);
    if (op.t !== '+') ia++;
    if (op.t !== '-') ib++;
  }
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].t === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - ctx);
    // extend while the next change is within 2*ctx unchanged lines
    let end = i;
    let j = i;
    while (j < ops.length) {
      if (ops[j].t !== ' ') {
        end = j;
        j++;
        continue;
      }
      let k = j;
      while (k < ops.length && ops[k].t === ' ') k++;
      if (k < ops.length && k - j <= 2 * ctx) {
        j = k;
        continue;
      }
      break;
    }
    const stop = Math.min(ops.length, end + 1 + ctx);
    const slice = ops.slice(start, stop);
    const countA = slice.filter((o) => o.t !== '+').length;
    const countB = slice.filter((o) => o.t !== '-').length;
    const firstA = slice.find((o) => o.t !== '+') ? posA[start + slice.findIndex((o) => o.t !== '+')] : posA[start];
    const firstB = slice.find((o) => o.t !== '-') ? posB[start + slice.findIndex((o) => o.t !== '-')] : posB[start];
    out.push(`@@ -${range(firstA, countA)} +${range(firstB, countB)} @@`);
    for (const op of slice) out.push(renderLine(op));
    i = stop;
  }
  return out.join('\n') + '\n';
}
