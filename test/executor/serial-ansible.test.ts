// serial as batch sizes (numbers, percentages, ramps whose last size repeats, 0 for all) for
// plays of 0 to 12 hosts, compared with ansible-core 2.14's PlaybookExecutor._get_serialized_batches
// run on the same values.
import { expect } from 'chai';
import { ANSIBLE_PYTHON, pythonJson } from '../helpers/python.js';
import type { SerialSize } from '../../lib/dsl/types.js';
import { batchSizes } from '../../lib/executor/batches.js';

const SERIALS: Array<SerialSize | SerialSize[]> = [
  1, 2, 3, 0, 5, 20, '1%', '10%', '25%', '30%', '33%', '50%', '99%', '100%', '150%', '0%',
  [1, 2], [1, '50%'], [1, 2, 0], ['20%', '40%'], [], [2, 1], ['10%', '50%', '100%'], [0, 1],
];
const TOTALS = [0, 1, 2, 3, 4, 5, 7, 10, 12];

const PY = `
import json, sys
from ansible.executor.playbook_executor import PlaybookExecutor
class Inventory:
    def __init__(self, n): self.n = n
    def get_hosts(self, pattern, order=None): return ['h%d' % i for i in range(self.n)]
class Play:
    hosts = 'all'
    order = None
    def __init__(self, serial): self.serial = serial  # a play's serial is always a list in Ansible
class Executor:
    pass
out = []
for serial, n in json.load(sys.stdin):
    ex = Executor()
    ex._inventory = Inventory(n)
    out.append([len(b) for b in PlaybookExecutor._get_serialized_batches(ex, Play(serial))])
print(json.dumps(out))
`;

describe('serial batches against ansible-core 2.14', () => {
  it(`agrees with _get_serialized_batches for ${SERIALS.length} serial values on ${TOTALS.length} play sizes`, () => {
    const combos = SERIALS.flatMap((s) => TOTALS.map((n) => [s, n] as const));
    const theirs = pythonJson<number[][]>(['-c', PY], combos.map(([s, n]) => [Array.isArray(s) ? s : [s], n]), ANSIBLE_PYTHON);
    const differ = combos.map(([s, n], k) => ({ serial: s, hosts: n, ansible: theirs[k], tsplay: batchSizes(s, n) })).filter((r) => JSON.stringify(r.ansible) !== JSON.stringify(r.tsplay));
    expect(differ).to.deep.equal([]);
  });
});
