// Each construct of test/template/parity-cases.ts rendered by tsplay and by ansible-core 2.14's
// Templar (test/helpers/ansible-templar.ts, one python3 run for all cases): identical text.
import { expect } from 'chai';
import { renderString, lazyVars } from '../../lib/template/index.js';
import { ansibleRenderAll, type AnsibleResult } from '../helpers/ansible-templar.js';
import { PARITY as BASE, type ParityCase } from './parity-cases.js';
import { IPADDR_CASES, IP_TEST_CASES } from './parity-ipaddr.js';
import { LOOKUP_CASES, LOOKUP_ENV } from './parity-lookups.js';

const PARITY: Record<string, ParityCase[]> = { ...BASE, 'ansible.utils address filters (1)': IPADDR_CASES, 'ansible.utils address tests': IP_TEST_CASES, 'lookup() and query() (7)': LOOKUP_CASES };

const all: ParityCase[] = Object.values(PARITY).flat();

describe('templates render as ansible-core 2.14 renders them', function () {
  this.timeout(60_000);
  let ansible: AnsibleResult[] = [];
  before(async () => {
    Object.assign(process.env, LOOKUP_ENV);
    ansible = await ansibleRenderAll(all, LOOKUP_ENV);
  });

  for (const [group, cases] of Object.entries(PARITY)) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.template}  with ${JSON.stringify(c.vars ?? {})}`, () => {
          const ref = ansible[all.indexOf(c)]!;
          if (!ref.ok) throw new Error(`ansible failed on this case: ${ref.error}`);
          const vars = c.basedir ? { playbook_dir: c.basedir, ...c.vars } : (c.vars ?? {});
          const ours = renderString(c.template, lazyVars(vars, {}), { name: 'case' });
          expect(ours).to.equal(ref.out);
        });
      }
    });
  }
});
