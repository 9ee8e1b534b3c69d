// Mutation testing (issue 16): runs Stryker once per scope of bench/mutation-scopes.mjs, one after
// the other, and prints each scope's score (killed + timed out) / (all - errors). Not part of
// `npm test`. `npm run mutation [scope...]`; MUTATION_CONCURRENCY (default 2) sets Stryker's workers.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SCOPES } from './mutation-scopes.mjs';

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SCOPES);
const rows: string[] = [];
for (const scope of wanted) {
  if (!(scope in SCOPES)) throw new Error(`unknown scope ${scope}: ${Object.keys(SCOPES).join(', ')}`);
  const started = Date.now();
  const r = spawnSync('npx', ['stryker', 'run'], { env: { ...process.env, MUTATION_SCOPE: scope }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`stryker failed for ${scope} (exit ${r.status})`);
  const report = JSON.parse(readFileSync(`reports/mutation/${scope}.json`, 'utf8')) as Report;
  const all = Object.values(report.files).flatMap((f) => f.mutants);
  const count = (s: string): number => all.filter((m) => m.status === s).length;
  const killed = count('Killed') + count('Timeout');
  const valid = all.length - count('CompileError') - count('RuntimeError') - count('Ignored');
  const score = valid ? (100 * killed) / valid : 100;
  rows.push(`${scope.padEnd(16)} ${score.toFixed(1).padStart(6)} %  killed ${killed}/${valid}, survived ${count('Survived')}, no coverage ${count('NoCoverage')}  (${((Date.now() - started) / 60000).toFixed(1)} min)`);
}
process.stdout.write(`\nmutation score per scope\n${rows.join('\n')}\n`);
