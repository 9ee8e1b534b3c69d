import { expect } from 'chai';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { labConnectionVars } from '../../lib/lab/index.js';
import { stat, type StatArgs } from '../../lib/modules/stat.js';
import { ansibleAdhoc } from '../helpers/ansible-adhoc.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { makeContext } from '../helpers/module-context.js';

// tsplay's stat equals `ansible -m stat` field by field on a lab host: a relative symlink like
// kubespray's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf (lnk_source is absolute), a file,
// a directory, a dangling link, a missing path. Only atime may differ (our stat runs after
// Ansible's read the file). Not compared: attributes/version/attr_flags, which tsplay does not
// report. This file uses labSubnet(59).
const SKIP = ['atime', 'attributes', 'version', 'attr_flags'];

describe('stat: tsplay equals ansible -m stat on a lab host', function () {
  this.timeout(120_000);
  const lab = useLab('stat', [{ name: 'st1', address: `${labSubnet(59)}.1` }]);
  let conn: SshConnection | undefined;
  after(async () => conn?.close());

  const ours = async (args: StatArgs): Promise<Record<string, unknown>> => {
    const h = lab().hosts[0];
    conn ??= new SshConnection({ ...sshOptionsFromVars('st1', { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ...labConnectionVars(lab()) }, {}), agentSocket: undefined });
    const ctx = { ...makeContext(), conn };
    return (await stat.def.run(args, ctx)).stat as unknown as Record<string, unknown>;
  };

  before(async () => {
    const r = await labSsh(lab(), 'st1', [
      'mkdir -p /srv/st/sysctl.d /srv/st/dir && chmod 2750 /srv/st/dir',
      'printf "net.ipv4.ip_forward=1\\n" > /srv/st/sysctl.conf && chmod 0640 /srv/st/sysctl.conf',
      'ln -sfn ../sysctl.conf /srv/st/sysctl.d/99-sysctl.conf',
      'ln -sfn /nonexistent/x /srv/st/dangling',
    ].join(' && '));
    expect(r.rc, r.stderr).to.equal(0);
  });

  const cases: [string, string][] = [
    ['/srv/st/sysctl.d/99-sysctl.conf', ''],
    ['/srv/st/sysctl.d/99-sysctl.conf', 'follow=true'],
    ['/srv/st/sysctl.conf', 'checksum_algorithm=sha256'],
    ['/srv/st/dir', ''],
    ['/srv/st/dangling', ''],
    ['/srv/st/nope', ''],
  ];
  for (const [path, extra] of cases) {
    it(`${path} ${extra}`, async () => {
      const theirs = (await ansibleAdhoc(lab(), 'st1', 'stat', `path=${path} ${extra}`)).stat as Record<string, unknown>;
      const args: StatArgs = { path };
      if (extra === 'follow=true') args.follow = true;
      if (extra.startsWith('checksum_algorithm=')) args.checksum_algorithm = 'sha256';
      const mine = await ours(args);
      const strip = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !SKIP.includes(k)));
      // Ansible's stat of a missing path has no `path`
      if (theirs.exists === false) delete mine.path;
      expect(strip(mine)).to.deep.equal(strip(theirs));
    });
  }

  it('lnk_source of a relative link is the absolute resolved path', async () => {
    const s = await ours({ path: '/srv/st/sysctl.d/99-sysctl.conf' });
    expect(s).to.include({ islnk: true, lnk_target: '../sysctl.conf', lnk_source: '/srv/st/sysctl.conf' });
  });
});
