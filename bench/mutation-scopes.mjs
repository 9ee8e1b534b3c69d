// What each mutation scope mutates and which tests may kill its mutants (issue 16's folders).
import { existsSync, readdirSync } from 'node:fs';

// Side-by-side tests that start ansible-inventory, `ansible -m` or lab hosts are left out of
// scopes (each mutant would start them again); their answers are kept as unit tables next to
// them, which the scopes run. ansible-playbook runs stay in: a mutation run replays them
// (test/helpers/ansible-cache.ts, TSPLAY_ANSIBLE_CACHE set by stryker.config.mjs).
const SIDE_BY_SIDE = new Set([
  'test/inventory/source-table-ansible.test.ts',
  'test/modules/reboot.test.ts',
  'test/modules/service-facts-vs-ansible.test.ts',
  'test/modules/stat-vs-ansible.test.ts',
  'test/modules/x509_certificate_info.test.ts',
]);

/**
 * The *.test.ts files of a test folder, side-by-side ones left out.
 * @param {string} dir
 * @returns {string[]}
 */
function unitTests(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`)
    .filter((f) => !SIDE_BY_SIDE.has(f))
    .sort();
}

// The executor's unit tests, async's apart: they wait on real detached jobs and poll intervals
// (whole seconds), so the rest of the executor's mutants do not each wait for them.
const EXECUTOR_TESTS = unitTests('test/executor').filter((f) => !/\/async[^/]*\.test\.ts$/.test(f));

// A task's own handling: what task.ts reads from a task (options, their values, validation, the
// conditions) and the small files it asks.
const EXECUTOR_TASK = ['task', 'taskopts', 'optionvalues', 'tasklevel', 'validate', 'validators', 'conditions', 'become', 'overlay', 'files', 'hostview', 'facts', 'rolecheck', 'tags'].map((f) => `lib/executor/${f}.ts`);
// a renamed file would silently move to executor-play and make it the slow one
for (const f of EXECUTOR_TASK) if (!existsSync(f)) throw new Error(`bench/mutation-scopes.mjs: ${f} is gone; update EXECUTOR_TASK`);

/**
 * Each scope names the folder of issue 16 it belongs to (`npm run mutation` adds up a folder's
 * scopes), the files it mutates and the tests that may kill its mutants. lib/executor is three
 * scopes so that each finishes within an hour on two CPUs.
 */
export const SCOPES = {
  'report-mask': { folder: 'lib/report/mask.ts', mutate: ['lib/report/mask.ts'], tests: ['test/report/*.test.ts', 'test/cli/secrets.test.ts'] },
  'cli-secrets': { folder: 'lib/cli/secrets.ts', mutate: ['lib/cli/secrets.ts'], tests: ['test/cli/secrets.test.ts', 'test/report/*.test.ts'] },
  vars: { folder: 'lib/vars', mutate: ['lib/vars/**/*.ts'], tests: ['test/vars/extra.test.ts', 'test/vars/merge.test.ts', 'test/vars/schema.test.ts', 'test/executor/basics.test.ts'] },
  inventory: { folder: 'lib/inventory', mutate: ['lib/inventory/**/*.ts'], tests: unitTests('test/inventory') },
  'modules-common': { folder: 'lib/modules/common', mutate: ['lib/modules/common/**/*.ts'], tests: unitTests('test/modules') },
  'executor-task': { folder: 'lib/executor', mutate: EXECUTOR_TASK, tests: EXECUTOR_TESTS },
  // the run around the tasks: plays, blocks, batches, handlers, variables, the run's summary
  'executor-play': {
    folder: 'lib/executor',
    mutate: ['lib/executor/**/*.ts', '!lib/executor/async.ts', ...EXECUTOR_TASK.map((f) => `!${f}`)],
    tests: EXECUTOR_TESTS,
  },
  'executor-async': { folder: 'lib/executor', mutate: ['lib/executor/async.ts'], tests: ['test/executor/async.test.ts', 'test/executor/async-poll.test.ts'] },
};
