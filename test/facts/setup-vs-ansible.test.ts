import { expect } from 'chai';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { gatherFacts } from '../../lib/executor/facts.js';
import { labConnectionVars } from '../../lib/lab/index.js';
import { ansibleAdhoc } from '../helpers/ansible-adhoc.js';
import { labSubnet, useLab } from '../helpers/lab.js';

// Every fact tsplay gathers equals what `ansible -m setup` (Debian's ansible-core) reports for the
// same lab host. Loose only where two gatherings cannot agree: date_time's clock fields, env
// entries that name the SSH connection (ports) or Ansible's own pty/Python locale, and the order
// of ansible_interfaces (Ansible lists /sys/class/net in directory order). This file uses labSubnet(57).
const PER_CONNECTION_ENV = ['SSH_CLIENT', 'SSH_CONNECTION', 'SSH_TTY', 'TERM', 'LC_CTYPE'];
const CLOCK = ['second', 'minute', 'hour', 'epoch', 'epoch_int', 'time', 'iso8601', 'iso8601_micro', 'iso8601_basic', 'iso8601_basic_short', 'date', 'day', 'weekday', 'weekday_number', 'weeknumber', 'month', 'year'];

describe('facts: tsplay equals ansible -m setup on a lab host', function () {
  this.timeout(120_000);
  const lab = useLab('facts', [{ name: 'fa1', address: `${labSubnet(57)}.1` }]);

  it('gathers the same values, types and names', async () => {
    const h = lab().hosts[0];
    const conn = new SshConnection({ ...sshOptionsFromVars('fa1', { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ...labConnectionVars(lab()) }, {}), agentSocket: undefined });
    let ours: Record<string, unknown>;
    try {
      ours = await gatherFacts(conn);
    } finally {
      await conn.close();
    }
    const theirs = (await ansibleAdhoc(lab(), 'fa1', 'setup')).ansible_facts as Record<string, unknown>;

    // the facts kubespray's roles read are all there
    for (const k of ['distribution', 'distribution_version', 'distribution_major_version', 'distribution_release', 'os_family', 'pkg_mgr', 'env', 'date_time',
      'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'hostname', 'fqdn', 'memtotal_mb', 'processor_vcpus', 'service_mgr'])
      expect(ours, k).to.have.property(`ansible_${k}`);
    expect(ours.ansible_distribution).to.equal('Debian');
    expect(ours.ansible_os_family).to.equal('Debian');

    const names = Object.keys(ours).filter((k) => k !== 'ansible_facts');
    for (const k of names) {
      const mine = ours[k];
      const ref = theirs[k];
      expect(ref, `${k}: ansible has no such fact`).to.not.equal(undefined);
      if (k === 'ansible_env') {
        const strip = (e: unknown): Record<string, unknown> => Object.fromEntries(Object.entries(e as Record<string, unknown>).filter(([n]) => !PER_CONNECTION_ENV.includes(n)));
        expect(strip(mine), k).to.deep.equal(strip(ref));
      } else if (k === 'ansible_date_time') {
        const m = mine as Record<string, string>;
        const r = ref as Record<string, string>;
        expect(Object.keys(m).sort(), k).to.deep.equal(Object.keys(r).sort());
        for (const f of Object.keys(r)) if (!CLOCK.includes(f)) expect(m[f], `${k}.${f}`).to.equal(r[f]);
        expect(Math.abs(Number(m.epoch) - Number(r.epoch)), 'clocks agree within a minute').to.be.below(60);
        for (const f of Object.keys(r)) expect(m[f].length, `${k}.${f} has Ansible's shape`).to.equal(r[f].length);
      } else if (k === 'ansible_interfaces') {
        expect(mine, k).to.have.members(ref as string[]);
      } else {
        expect(mine, k).to.deep.equal(ref);
      }
    }
    // the ansible_facts dict form holds the same, without the prefix
    const dict = ours.ansible_facts as Record<string, unknown>;
    for (const k of names) expect(dict[k.replace(/^ansible_/, '')], `ansible_facts['${k.slice(8)}']`).to.deep.equal(ours[k]);
  });
});
