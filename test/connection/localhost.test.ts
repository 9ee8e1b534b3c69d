// Issue 18: a host the inventory names localhost, 127.0.0.1 or ::1 is a host like any other, as in
// Ansible (`ansible-inventory -i inv --host localhost` and ansible_connection=ssh in a play): it
// connects over SSH unless ansible_connection (or -c) says local. Only the implicit localhost, a
// pattern naming localhost that the inventory lacks, runs on the controller.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectionFor } from '../../lib/connection/factory.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { SshConnection } from '../../lib/connection/ssh.js';
import type { PlaySpec } from '../../lib/index.js';
import { command } from '../../lib/index.js';
import { hostVars, loadInventory } from '../../lib/inventory/index.js';
import { labSubnet } from '../helpers/lab.js';
import { runPlays, scratch } from '../helpers/run.js';

describe('explicit localhost connects like any host; only the implicit one is local', function () {
  this.timeout(30000);
  const s = scratch('tsplay-localhost-');
  after(() => s.cleanup());
  // a loopback address of this test file's own /24 and a port nothing listens on: unreachable
  const away = `${labSubnet(48)}.1`;
  const touch = (marker: string): PlaySpec[] => [{ hosts: 'all', gatherFacts: false, tasks: (t) => void t.task('touch', command(`touch ${marker}`)) }];

  for (const name of ['localhost', '127.0.0.1', '::1']) {
    it(`an inventory host named ${name} with its own ansible_host does not run on the controller`, async () => {
      const marker = join(s.dir, `ran-${name.replace(/\W/g, '_')}`);
      const inv = join(s.dir, `${name.replace(/\W/g, '_')}.ini`);
      writeFileSync(inv, `[web]\n${name} ansible_host=${away} ansible_port=1 ansible_user=root\n`);
      const run = await runPlays(inv, touch(marker));
      expect(existsSync(marker), 'the command ran on the controller').to.equal(false);
      expect(run.results('touch')).to.deep.equal([`${name}:unreachable`]);
      expect(run.exitCode).to.equal(4);
    });
  }

  it('the same host with ansible_connection=local does run locally (the documented way)', async () => {
    const marker = join(s.dir, 'ran-local');
    const inv = join(s.dir, 'local.ini');
    writeFileSync(inv, `[web]\nlocalhost ansible_connection=local\n`);
    const run = await runPlays(inv, touch(marker));
    expect(run.results('touch')).to.deep.equal(['localhost:changed']);
    expect(existsSync(marker)).to.equal(true);
  });

  it('the implicit localhost (not in the inventory) runs locally', async () => {
    const marker = join(s.dir, 'ran-implicit');
    const inv = join(s.dir, 'other.ini');
    writeFileSync(inv, `[web]\nk1 ansible_host=${away} ansible_port=1\n`);
    const run = await runPlays(inv, [{ hosts: 'localhost', gatherFacts: false, tasks: (t) => void t.task('touch', command(`touch ${marker}`)) }]);
    expect(run.results('touch')).to.deep.equal(['localhost:changed']);
    expect(existsSync(marker)).to.equal(true);
  });

  it('delegateTo the implicit localhost runs locally even when the task host says ssh', async () => {
    const marker = join(s.dir, 'ran-delegated');
    const inv = join(s.dir, 'deleg.ini');
    writeFileSync(inv, `[web]\nk1 ansible_connection=ssh ansible_host=${away} ansible_port=1\n`);
    const run = await runPlays(inv, [{ hosts: 'web', gatherFacts: false, tasks: (t) => void t.task('touch', command(`touch ${marker}`), { delegateTo: 'localhost' }) }]);
    expect(run.results('touch')).to.deep.equal(['k1:changed']);
    expect(existsSync(marker)).to.equal(true);
  });

  it('inventory vars as Ansible shows them: an explicit localhost has no ansible_connection', async () => {
    const inv = join(s.dir, 'vars.ini');
    writeFileSync(inv, `[web]\nlocalhost ansible_host=${away}\n127.0.0.1\n`);
    const loaded = await loadInventory([inv]);
    // ansible-inventory -i vars.ini --host localhost prints {"ansible_host": ...}; --host 127.0.0.1 prints {}
    expect(hostVars(loaded, 'localhost')).to.deep.equal({ ansible_host: away });
    expect(hostVars(loaded, '127.0.0.1')).to.deep.equal({});
    for (const h of ['localhost', '127.0.0.1']) {
      const conn = connectionFor(h, hostVars(loaded, h), {});
      expect(conn, h).to.be.instanceOf(SshConnection);
      await conn.close();
    }
  });

  it('-c local is the default for hosts without ansible_connection; the inventory still wins', async () => {
    const a = connectionFor('k1', {}, { connection: 'local' });
    const b = connectionFor('k1', { ansible_connection: 'ssh' }, { connection: 'local' });
    const c = connectionFor('k1', { ansible_connection: 'local' }, { connection: 'ssh' });
    expect([a, b, c].map((x) => x.constructor.name)).to.deep.equal([LocalConnection.name, SshConnection.name, LocalConnection.name]);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});
