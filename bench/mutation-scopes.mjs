// What each mutation scope mutates and which tests may kill its mutants (issue 16's folders).
import { readdirSync } from 'node:fs';

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

export const SCOPES = {
  'report-mask': { mutate: ['lib/report/mask.ts'], tests: ['test/report/*.test.ts', 'test/cli/secrets.test.ts'] },
  'cli-secrets': { mutate: ['lib/cli/secrets.ts'], tests: ['test/cli/secrets.test.ts', 'test/report/*.test.ts'] },
  vars: { mutate: ['lib/vars/**/*.ts'], tests: ['test/vars/extra.test.ts', 'test/vars/merge.test.ts', 'test/vars/schema.test.ts', 'test/executor/basics.test.ts'] },
  inventory: { mutate: ['lib/inventory/**/*.ts'], tests: unitTests('test/inventory') },
  'modules-common': { mutate: ['lib/modules/common/**/*.ts'], tests: unitTests('test/modules') },
  // async.ts's tests wait on real detached jobs and poll intervals (whole seconds): they get a
  // scope of their own so the rest of the executor's mutants do not each wait for them
  executor: { mutate: ['lib/executor/**/*.ts', '!lib/executor/async.ts'], tests: unitTests('test/executor').filter((f) => !/\/async[^/]*\.test\.ts$/.test(f)) },
  'executor-async': { mutate: ['lib/executor/async.ts'], tests: ['test/executor/async.test.ts', 'test/executor/async-poll.test.ts'] },
};
