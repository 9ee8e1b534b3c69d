import { expect } from 'chai';
import type { RunEvent } from '../../lib/report/events.js';
import { command, shell } from '../../lib/index.js';
import { localInventory, runPlays, scratch } from '../helpers/run.js';

// A block's serial takes what a play's does: 'N%' of the hosts that reach the block (floored, at
// least 1) and ramp lists, each group going through the whole block before the next starts.

describe("block serial: 'N%' and ramps", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = scratch('tsplay-blockpct-')));
  afterEach(() => cleanup());
  const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5'];

  /** The groups in which hosts went through the block: consecutive hosts of one task run. */
  async function groups(serial: Parameters<typeof runWith>[0], limitTo = HOSTS): Promise<string[][]> {
    const run = await runWith(serial, limitTo);
    expect(run.exitCode).to.equal(0);
    const seq = run.events.flatMap((e: RunEvent) => (e.type === 'host_result' ? [`${e.task}:${e.host}`] : []));
    const out: string[][] = [];
    let cur: string[] = [];
    for (const x of seq) {
      const [task, host] = x.split(':');
      if (task === 'one') cur.push(host);
      else if (task === 'two' && cur.length) {
        out.push(cur.sort()); // hosts of a group run in parallel: any order
        cur = [];
      }
    }
    return out;
  }
  function runWith(serial: number | `${number}%` | (number | `${number}%`)[], hosts: string[]) {
    return runPlays(localInventory(dir, HOSTS), [
      {
        hosts: hosts.join(':'),
        gatherFacts: false,
        tasks: (t) => {
          t.block('b', (b) => {
            b.task('one', shell('true'));
            b.task('two', command('true'));
          }, { serial });
        },
      },
    ]);
  }

  it("'40%' of 5 hosts is groups of 2 (floored), the last of what is left", async () => {
    expect(await groups('40%')).to.deep.equal([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
  });

  it("'10%' of 5 hosts is at least one host", async () => {
    expect(await groups('10%')).to.deep.equal([['h1'], ['h2'], ['h3'], ['h4'], ['h5']]);
  });

  it('a ramp [1, "50%"]: one host first, then half of the hosts at a time', async () => {
    expect(await groups([1, '50%'])).to.deep.equal([['h1'], ['h2', 'h3'], ['h4', 'h5']]);
  });

  it('the percentage is of the hosts that reach the block (here 4)', async () => {
    expect(await groups('50%', ['h1', 'h2', 'h3', 'h4'])).to.deep.equal([['h1', 'h2'], ['h3', 'h4']]);
  });

  for (const bad of ['0%', 0, [], 'x%'] as unknown as (number | `${number}%`)[]) {
    it(`refuses serial ${JSON.stringify(bad)} before anything runs, with file:line`, async () => {
      const err = await runWith(bad, HOSTS).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/block-serial-percent\.test\.ts:\d+: block 'b': serial .* must be a whole number >= 1 or "N%" with N > 0/);
    });
  }
});
