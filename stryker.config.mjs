// Mutation testing (issue 16): `npm run mutation` (bench/mutation.ts) runs Stryker once per scope
// and prints each scope's score; MUTATION_SCOPE picks one scope for a single `npx stryker run`.
// Not part of `npm test`: a full run takes most of an hour on two CPUs.
import { resolve } from 'node:path';
import { SCOPES } from './bench/mutation-scopes.mjs';

// ansible-playbook's answers do not change with tsplay's code: every mutant replays them
process.env.TSPLAY_ANSIBLE_CACHE ??= resolve('reports/mutation/ansible-cache');

const scope = SCOPES[process.env.MUTATION_SCOPE ?? 'report-mask'];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}`);
// MUTATION_TESTS (comma-separated files) runs only those tests against the scope's mutants: what
// a new test file kills, in minutes (with `--mutate FILE` to narrow the mutants too)
const only = process.env.MUTATION_TESTS || undefined;

export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  // the tests are TypeScript, loaded through tsx as `npm test` does
  testRunnerNodeArgs: ['--import', 'tsx'],
  mochaOptions: { spec: only?.split(',') ?? scope.tests, config: '.mocharc.json' },
  mutate: scope.mutate,
  coverageAnalysis: 'perTest',
  // tsx never type-checks, and Stryker's `// @ts-nocheck` header would shift every line of the
  // sandbox's test fixtures (a test that checks a reported file:line then fails the dry run)
  disableTypeChecks: false,
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 20000,
  reporters: ['clear-text', 'json', 'progress-append-only'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_SCOPE ?? 'report-mask'}${only ? '-partial' : ''}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // the lab's state and caches are not part of the sandbox
  ignorePatterns: ['.tsplay', 'reports', 'test/.tmp-*', 'inventory/.tsplay'],
};
