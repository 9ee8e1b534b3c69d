// "did you mean ...?" for a misspelled name, chosen the way tsc's getSpellingSuggestion does:
// a case-only difference wins outright; otherwise the closest candidate whose edit distance
// (substitution costs 2, as in tsc) stays under 40% of the name's length.

function distance(a: string, b: string, max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1];
      cur[j] = same ? prev[j - 1] : Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + 2);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1; // no cheaper path can remain
    prev = cur;
  }
  return prev[b.length];
}

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const maxLengthDiff = Math.max(2, Math.floor(name.length * 0.34));
  let best: string | undefined;
  let bestDistance = Math.floor(name.length * 0.4) + 1;
  for (const c of candidates) {
    if (c === name) continue;
    if (c.toLowerCase() === lower) return c;
    if (Math.abs(c.length - name.length) > maxLengthDiff || c.length < 3) continue;
    const d = distance(name, c, bestDistance - 1);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
