// Mutation testing (issue 16): runs Stryker once per scope of bench/mutation-scopes.mjs, one after
// the other, and prints each scope's score (killed + timed out) / (all - errors). Not part of
// `npm test`. `npm run mutation [scope...]`; MUTATION_CONCURRENCY (default 2) sets Stryker's workers.
// A folder measured by several scopes (lib/executor) also gets its combined score.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SCOPES } from './mutation-scopes.mjs';

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const fail = (message: string): never => {
  process.stderr.write(`npm run mutation: ${message}\n`);
  process.exit(2);
};
// `executor` names its three scopes (executor-task, executor-play, executor-async)
const expand = (name: string): string[] => {
  if (name in SCOPES) return [name];
  const family = Object.keys(SCOPES).filter((s) => s.startsWith(`${name}-`));
  if (!family.length) fail(`no scope ${name}; the scopes are ${Object.keys(SCOPES).join(', ')}, and executor runs the three executor-* ones`);
  return family;
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2).flatMap(expand) : Object.keys(SCOPES);
const rows: string[] = [];
const folders = new Map<string, { killed: number; valid: number; scopes: number }>();
const percent = (killed: number, valid: number): string => (valid ? (100 * killed) / valid : 100).toFixed(1).padStart(6);
for (const scope of wanted) {
  const started = Date.now();
  const r = spawnSync('npx', ['stryker', 'run'], { env: { ...process.env, MUTATION_SCOPE: scope }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`Stryker failed for ${scope} (exit ${r.status}); its output is above`);
  const report = JSON.parse(readFileSync(`reports/mutation/${scope}.json`, 'utf8')) as Report;
  const all = Object.values(report.files).flatMap((f) => f.mutants);
  const count = (s: string): number => all.filter((m) => m.status === s).length;
  const killed = count('Killed') + count('Timeout');
  const valid = all.length - count('CompileError') - count('RuntimeError') - count('Ignored');
  const { folder } = SCOPES[scope as keyof typeof SCOPES];
  const sum = folders.get(folder) ?? { killed: 0, valid: 0, scopes: 0 };
  folders.set(folder, { killed: sum.killed + killed, valid: sum.valid + valid, scopes: sum.scopes + 1 });
  rows.push(`${scope.padEnd(16)} ${percent(killed, valid)} %  killed ${killed}/${valid}, survived ${count('Survived')}, no coverage ${count('NoCoverage')}  (${((Date.now() - started) / 60000).toFixed(1)} min)`);
}
process.stdout.write(`\nmutation score per scope\n${rows.join('\n')}\n`);
const combined = [...folders].filter(([, f]) => f.scopes > 1);
if (combined.length) {
  const lines = combined.map(([folder, f]) => `${folder.padEnd(16)} ${percent(f.killed, f.valid)} %  killed ${f.killed}/${f.valid} over ${f.scopes} scopes`);
  process.stdout.write(`\nper folder\n${lines.join('\n')}\n`);
}
