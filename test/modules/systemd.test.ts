import { expect } from 'chai';
import { validateArgs } from '../../lib/executor/validate.js';
import { systemd, type SystemdArgs } from '../../lib/modules/systemd.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// A real service (python3's http.server on the sandbox's own loopback) driven by the daemonless
// systemctl that lab hosts use.

const UNIT = '/usr/lib/systemd/system/tsplay-web.service';
const UNIT_TEXT = `[Unit]
Description=tsplay test web server

[Service]
ExecStart=/usr/bin/python3 -m http.server 8080 --bind 127.0.0.1 --directory /srv

[Install]
WantedBy=multi-user.target
`;

interface Start {
  active: boolean;
  enabled: boolean;
}
interface Row {
  title: string;
  args: SystemdArgs;
  start: Start;
  changed: boolean;
  after: Start;
  /** the second run changes again (restarted, reloaded) */
  alwaysChanged?: boolean;
}

const rows: Row[] = [
  { title: 'starts and enables a stopped, disabled service', args: { name: 'tsplay-web', state: 'started', enabled: true }, start: { active: false, enabled: false }, changed: true, after: { active: true, enabled: true } },
  { title: 'started on a running service is ok', args: { name: 'tsplay-web', state: 'started' }, start: { active: true, enabled: false }, changed: false, after: { active: true, enabled: false } },
  { title: 'stops a running service', args: { name: 'tsplay-web.service', state: 'stopped' }, start: { active: true, enabled: true }, changed: true, after: { active: false, enabled: true } },
  { title: 'stopped on a stopped service is ok', args: { name: 'tsplay-web', state: 'stopped' }, start: { active: false, enabled: false }, changed: false, after: { active: false, enabled: false } },
  { title: 'enabled: false disables without touching the running state', args: { name: 'tsplay-web', enabled: false }, start: { active: true, enabled: true }, changed: true, after: { active: true, enabled: false } },
  { title: 'restarted always changes and restarts', args: { name: 'tsplay-web', state: 'restarted' }, start: { active: true, enabled: false }, changed: true, after: { active: true, enabled: false }, alwaysChanged: true },
  { title: 'reloaded starts a stopped service', args: { name: 'tsplay-web', state: 'reloaded' }, start: { active: false, enabled: false }, changed: true, after: { active: true, enabled: false }, alwaysChanged: true },
  { title: 'daemon_reload with started picks up a new unit', args: { name: 'tsplay-web', state: 'started', daemon_reload: true }, start: { active: false, enabled: false }, changed: true, after: { active: true, enabled: false } },
];

describe('systemd module (daemonless systemctl in a namespaced sandbox)', function () {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('systemd', { files: { [UNIT]: UNIT_TEXT, '/srv/index.html': 'hello from tsplay\n' } });
  });
  after(async () => sb?.stop());

  const mainPid = async () => (await sh(sb.conn, 'systemctl show tsplay-web -p MainPID')).trim().replace('MainPID=', '');
  const serving = async () => {
    // the server may need a moment after start to bind its port
    const r = await sb.conn.exec('for i in $(seq 50); do python3 -c "import urllib.request as u; print(u.urlopen(\'http://127.0.0.1:8080/\').read().decode(), end=\'\')" 2>/dev/null && exit 0; sleep 0.1; done; exit 1');
    return r.rc === 0 ? r.stdout : null;
  };
  const state = async (): Promise<Start> => {
    const out = await sh(sb.conn, 'systemctl show tsplay-web -p ActiveState; systemctl is-enabled tsplay-web >/dev/null && echo enabled || true');
    return { active: out.includes('ActiveState=active\n'), enabled: out.includes('\nenabled') };
  };
  async function reset(s: Start) {
    const steps = ['systemctl stop tsplay-web', 'systemctl disable tsplay-web', 'systemctl unmask tsplay-web'];
    if (s.active) steps.push('systemctl start tsplay-web');
    if (s.enabled) steps.push('systemctl enable tsplay-web');
    await sb.conn.exec(steps.join('; '));
    expect(await state(), 'starting state').to.deep.equal(s);
  }

  for (const r of rows) {
    it(r.title, async () => {
      await reset(r.start);
      const pidBefore = await mainPid();
      const check = await runModule(systemd, r.args, testContext(sb.conn, { check: true }));
      expect(check.changed, 'check mode reports').to.equal(r.changed);
      expect(await state(), 'check mode changes nothing').to.deep.equal(r.start);

      const first = await runModule(systemd, r.args, testContext(sb.conn, { diff: true }));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(r.changed);
      expect(await state()).to.deep.equal(r.after);
      expect(first.status?.LoadState).to.equal('loaded');
      if (r.changed) expect(first.diff?.[0]?.path).to.equal('systemd:tsplay-web' + (r.args.name?.endsWith('.service') ? '.service' : ''));
      if (r.after.active) expect(await serving()).to.equal('hello from tsplay\n');
      if (r.args.state === 'restarted') expect(await mainPid()).to.not.equal(pidBefore);

      const second = await runModule(systemd, r.args, testContext(sb.conn));
      expect(second.changed, 'second run').to.equal(!!r.alwaysChanged);
    });
  }

  it('masks and unmasks a unit', async () => {
    await reset({ active: false, enabled: false });
    const m = await runModule(systemd, { name: 'tsplay-web', masked: true }, testContext(sb.conn));
    expect(m.changed).to.equal(true);
    expect((await sb.conn.exec('systemctl is-enabled tsplay-web')).stdout.trim()).to.equal('masked');
    expect((await runModule(systemd, { name: 'tsplay-web', masked: true }, testContext(sb.conn))).changed).to.equal(false);
    const u = await runModule(systemd, { name: 'tsplay-web', masked: false }, testContext(sb.conn));
    expect(u.changed).to.equal(true);
    expect((await sb.conn.exec('systemctl is-enabled tsplay-web')).stdout.trim()).to.equal('disabled');
  });

  it('an unknown unit fails like Ansible', async () => {
    const res = await runModule(systemd, { name: 'no-such-unit', state: 'started' }, testContext(sb.conn));
    expect(res.failed).to.equal(true);
    expect(res.msg).to.equal('Could not find the requested service no-such-unit: host systemd');
  });

  it('a service that cannot start fails with systemctl\'s reason', async () => {
    await sb.conn.put('/etc/systemd/system/tsplay-broken.service', '[Service]\nExecStart=/nonexistent/binary\n');
    const res = await runModule(systemd, { name: 'tsplay-broken', state: 'started' }, testContext(sb.conn));
    expect(res.failed).to.equal(true);
    expect(res.msg).to.match(/Unable to start service tsplay-broken/);
  });

  // issue 18: a unit name starting with - became an option of systemctl
  for (const name of ['-H', '--root=/tmp/x', '-.mount']) {
    it(`refuses the unit name ${name} (an option of systemctl), naming the argument and what is allowed`, () => {
      const errs = validateArgs(systemd.def as never, { name, state: 'started' });
      expect(errs.join('\n')).to.match(/argument 'name' must be a unit name such as etcd .*not starting with '-'.*got "-/);
    });
  }
  it('still accepts ordinary unit names', () => {
    for (const name of ['etcd', 'etcd.service', 'getty@tty1.service', 'var-lib-etcd.mount', 'a\\x2db.service']) {
      expect(validateArgs(systemd.def as never, { name }), name).to.deep.equal([]);
    }
  });
});
