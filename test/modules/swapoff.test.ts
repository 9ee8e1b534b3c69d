import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { swapoff, type SwapoffArgs } from '../../lib/modules/swapoff.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// Swap is kernel-wide: the sandbox binds a file over its /proc/swaps and a swapoff TEST DOUBLE
// (test/fixtures/system/swapoff-double.sh) empties it. /etc/fstab handling is real.

const HEADER = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
const SWAPS = HEADER + '/swapfile                               file\t\t2097148\t\t0\t\t-2\n';
const FSTAB = [
  '# /etc/fstab: static file system information.',
  'UUID=1111-2222 /               ext4    errors=remount-ro 0       1',
  '/swapfile                                 none            swap    sw              0       0',
  'UUID=3333 none swap sw 0 0',
  '#/dev/sdb1 none swap sw 0 0',
  '',
].join('\n');
const FSTAB_OFF = FSTAB.replace('/swapfile   ', '# /swapfile   ').replace('UUID=3333', '# UUID=3333');

interface Row {
  title: string;
  args: SwapoffArgs;
  swaps: string;
  fstab: string;
  changed: boolean;
  swapoffCalled: boolean;
  fstabAfter: string;
}

const rows: Row[] = [
  { title: 'turns swap off and comments out the fstab swap entries', args: {}, swaps: SWAPS, fstab: FSTAB, changed: true, swapoffCalled: true, fstabAfter: FSTAB_OFF },
  { title: 'swap already off: only fstab is fixed', args: {}, swaps: HEADER, fstab: FSTAB, changed: true, swapoffCalled: false, fstabAfter: FSTAB_OFF },
  { title: 'persist: false leaves fstab alone', args: { persist: false }, swaps: SWAPS, fstab: FSTAB, changed: true, swapoffCalled: true, fstabAfter: FSTAB },
  { title: 'nothing on and nothing in fstab: ok', args: {}, swaps: HEADER, fstab: FSTAB_OFF, changed: false, swapoffCalled: false, fstabAfter: FSTAB_OFF },
];

describe('swapoff module (in a namespaced sandbox, swapoff test double)', function () {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('swapoff', {
      fakeProc: { swaps: HEADER },
      files: { '/usr/local/sbin/swapoff': { content: readFileSync(new URL('../fixtures/system/swapoff-double.sh', import.meta.url)), mode: 0o755 } },
    });
  });
  after(async () => sb?.stop());

  const calls = async () => (await sh(sb.conn, 'cat /var/lib/tsplay-test/swapoff.log 2>/dev/null || true')).split('\n').filter(Boolean);

  for (const r of rows) {
    it(r.title, async () => {
      await sh(sb.conn, `: > /var/lib/tsplay-test/swapoff.log; printf %s '${r.swaps}' > /proc/swaps`);
      await sb.conn.put('/etc/fstab', r.fstab);

      const check = await runModule(swapoff, r.args, testContext(sb.conn, { check: true }));
      expect(check.changed).to.equal(r.changed);
      expect(await calls(), 'check mode does not call swapoff').to.deep.equal([]);
      expect((await sb.conn.get('/etc/fstab')).toString()).to.equal(r.fstab);

      const first = await runModule(swapoff, r.args, testContext(sb.conn, { diff: true }));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(r.changed);
      expect(await calls()).to.deep.equal(r.swapoffCalled ? ['swapoff -a'] : []);
      expect(await sh(sb.conn, 'cat /proc/swaps')).to.equal(HEADER);
      expect((await sb.conn.get('/etc/fstab')).toString()).to.equal(r.fstabAfter);
      if (r.fstab !== r.fstabAfter) {
        expect(first.diff?.find((d) => d.path === '/etc/fstab')).to.deep.equal({ path: '/etc/fstab', before: r.fstab, after: r.fstabAfter });
      }
      if (r.swapoffCalled) expect(first.swaps_before).to.deep.equal(['/swapfile']);

      const second = await runModule(swapoff, r.args, testContext(sb.conn));
      expect(second.changed, 'second run is idempotent').to.equal(false);
    });
  }
});
