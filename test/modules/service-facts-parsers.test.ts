import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { parseServices, parseSysv, parseUpstart } from '../../lib/modules/service_facts.js';
import { service_facts } from '../../lib/modules/service_facts.js';
import { makeContext } from '../helpers/module-context.js';

// service_facts' sysv and upstart readers give what Ansible's own ServiceScanService gives for
// the same tool output: Ansible's module code is run (python3, Debian's ansible-core) with a
// module object whose run_command answers with these outputs. No upstart host exists here, so
// its output is a sample in the shape of `initctl list` (Ubuntu 14.04).

const SYSV = [' [ + ]  ssh', ' [ - ]  etcd', '[ + ] cron', ' [ ? ]  hwclock.sh', 'garbage', ' [ - ]  name with spaces  ', ''].join('\n');
const UPSTART = [
  'avahi-daemon start/running, process 695',
  'mountall-net stop/waiting',
  'network-interface-security (network-interface/eth0) start/running',
  'ssh start/running, process 1234\r',
  'tty1 start/running, process 1017 ',
  'not a job line',
  '',
].join('\n');

/** Ansible's ServiceScanService._list_<kind> over `stdout`. */
function ansibleScan(kind: 'sysvinit' | 'upstart', stdout: string): Record<string, unknown> {
  const py = [
    'import json, sys',
    'from ansible.modules.service_facts import ServiceScanService',
    'class M:',
    '    def run_command(self, cmd, **kw): return (0, sys.stdin.read(), "")',
    '    def warn(self, m): pass',
    's = ServiceScanService(M())',
    's.service_path = "service"; s.initctl_path = "initctl"',
    'out = {}',
    `s._list_${kind}(out)`,
    'print(json.dumps(out))',
  ].join('\n');
  // Debian's python3, the one its ansible-core is installed for
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: stdout, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('service_facts: sysv and upstart readers (against Ansible\'s own code)', () => {
  it('service --status-all', () => {
    const ours = parseSysv(SYSV.split('\n'));
    expect(ours).to.deep.equal(ansibleScan('sysvinit', SYSV));
    expect(Object.keys(ours)).to.have.members(['ssh', 'etcd', 'cron', 'name with spaces  ']);
  });

  it('initctl list', () => {
    const ours = parseUpstart(UPSTART.split('\n'));
    expect(ours).to.deep.equal(ansibleScan('upstart', UPSTART));
    expect(ours['network-interface-security (network-interface/eth0)']).to.deep.equal({ name: 'network-interface-security (network-interface/eth0)', state: 'running', goal: 'start', source: 'upstart' });
  });

  it('a host with sysv and upstart but no systemctl: both scans, upstart winning a shared name', () => {
    const out = `@@sysv\n [ + ]  ssh\n [ - ]  cron\n@@upstart\nssh stop/waiting\n@@none\n`;
    expect(parseServices(out)).to.deep.equal({
      ssh: { name: 'ssh', state: 'waiting', goal: 'stop', source: 'upstart' },
      cron: { name: 'cron', state: 'stopped', source: 'sysv' },
    });
  });

  it('no service found at all is skipped with Ansible\'s message', async () => {
    // a PATH with no service, initctl or systemctl: nothing to scan
    const ctx = makeContext();
    const conn = ctx.conn;
    const bare = { ...ctx, conn: { ...conn, host: conn.host, exec: (s: string, o?: object) => conn.exec(`PATH=/nonexistent; ${s}`, o) } };
    const r = await service_facts.def.run({}, bare as typeof ctx);
    expect(r).to.deep.equal({ changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' });
  });
});
