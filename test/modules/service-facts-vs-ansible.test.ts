import { expect } from 'chai';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { labConnectionVars } from '../../lib/lab/index.js';
import { service_facts } from '../../lib/modules/service_facts.js';
import { ansibleAdhoc } from '../helpers/ansible-adhoc.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { makeContext } from '../helpers/module-context.js';

// service_facts equals Ansible's systemd scan on a lab host. Lab hosts run tini as PID 1 with
// Debian's daemonless systemctl, so Ansible's own module would skip systemd (it checks that
// /proc/1/comm says systemd): the reference is Ansible's module with only that check answered
// yes, run from a temporary library dir. Its sysv entries (`service --status-all`) are compared
// too. This file uses labSubnet(60).
describe('service_facts: tsplay equals ansible service_facts (systemd and sysv) on a lab host', function () {
  this.timeout(120_000);
  const lab = useLab('svcfacts', [{ name: 'sv1', address: `${labSubnet(60)}.1` }]);

  it('lists every service with the same state and status', async () => {
    // a running service, an enabled one, and a masked one make the states differ
    const prep = await labSsh(lab(), 'sv1', 'systemctl enable ssh.service >/dev/null 2>&1; systemctl mask rsync.service >/dev/null 2>&1; true');
    expect(prep.rc).to.equal(0);
    const lib = await mkdtemp(path.join(os.tmpdir(), 'tsplay-ansible-lib-'));
    const src = await readFile('/usr/lib/python3/dist-packages/ansible/modules/service_facts.py', 'utf8');
    const patched = src.replace(/def systemd_enabled\(self\):\n/, (m) => `${m}        return True\n`);
    expect(patched).to.not.equal(src);
    await writeFile(path.join(lib, 'service_facts.py'), patched);
    const theirs = ((await ansibleAdhoc(lab(), 'sv1', 'service_facts', '', { ANSIBLE_LIBRARY: lib })).ansible_facts as { services: Record<string, { source: string }> }).services;
    const systemd = Object.fromEntries(Object.entries(theirs).filter(([, s]) => s.source === 'systemd'));
    expect(Object.keys(systemd).length, 'Ansible found systemd services').to.be.above(5);

    const h = lab().hosts[0];
    const conn = new SshConnection({ ...sshOptionsFromVars('sv1', { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ...labConnectionVars(lab()) }, {}), agentSocket: undefined });
    try {
      const ctx = { ...makeContext(), conn };
      const res = await service_facts.def.run({}, ctx);
      const ours = res.ansible_facts?.services ?? {};
      const bySource = (all: Record<string, { source: string }>, source: string) => Object.fromEntries(Object.entries(all).filter(([, s]) => s.source === source));
      expect(bySource(ours, 'systemd')).to.deep.equal(systemd);
      // and the sysv scan (`service --status-all`), as Ansible's: every init script, running or stopped
      const sysv = bySource(theirs, 'sysv');
      expect(Object.keys(sysv).length, 'Ansible found sysv services').to.be.above(2);
      expect(bySource(ours, 'sysv')).to.deep.equal(sysv);
      expect(Object.keys(ours).length).to.equal(Object.keys(theirs).length);
      expect(ctx.facts).to.have.nested.property('ansible_facts.services');
    } finally {
      await conn.close();
    }
  });
});
