// What each mutation scope mutates and which tests may kill its mutants (issue 16's folders).
export const SCOPES = {
  'report-mask': { mutate: ['lib/report/mask.ts'], tests: ['test/report/*.test.ts', 'test/cli/secrets.test.ts'] },
  'cli-secrets': { mutate: ['lib/cli/secrets.ts'], tests: ['test/cli/secrets.test.ts', 'test/report/*.test.ts'] },
  vars: { mutate: ['lib/vars/**/*.ts'], tests: ['test/vars/**/*.test.ts', 'test/executor/basics.test.ts', 'test/executor/precedence-ansible.test.ts'] },
  inventory: { mutate: ['lib/inventory/**/*.ts'], tests: ['test/inventory/**/*.test.ts'] },
  'modules-common': { mutate: ['lib/modules/common/**/*.ts'], tests: ['test/modules/**/*.test.ts'] },
  executor: { mutate: ['lib/executor/**/*.ts'], tests: ['test/executor/**/*.test.ts'] },
};
