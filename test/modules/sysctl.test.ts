import { expect } from 'chai';
import { validateArgs } from '../../lib/executor/validate.js';
import { sysctl, type SysctlArgs } from '../../lib/modules/sysctl.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// Only net.* keys: they belong to the sandbox's own network namespace, so nothing here changes
// this machine's kernel settings.

const FILE = '/etc/sysctl.d/99-test.conf';

interface Row {
  title: string;
  args: SysctlArgs;
  /** file content before; null = no file */
  file: string | null;
  runtime?: Record<string, string>;
  changed: boolean;
  fileAfter: string | null;
  runtimeAfter?: Record<string, string>;
}

const rows: Row[] = [
  {
    title: 'appends a new entry and reloads the file',
    args: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: FILE },
    file: '# kube\nnet.core.somaxconn=1024\n',
    runtime: { 'net.ipv4.ip_forward': '0' },
    changed: true,
    fileAfter: '# kube\nnet.core.somaxconn=1024\nnet.ipv4.ip_forward=1\n',
    runtimeAfter: { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '1024' },
  },
  {
    title: 'creates the file (and its directory) when missing',
    args: { name: 'net.core.somaxconn', value: '2048', sysctl_file: '/etc/sysctl.d/sub/k8s.conf' },
    file: null,
    changed: true,
    fileAfter: null,
    runtimeAfter: { 'net.core.somaxconn': '2048' },
  },
  {
    title: 'replaces a differing value in place and drops duplicate entries',
    args: { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: FILE },
    file: 'net.ipv4.ip_forward = 0\n# keep me\nnet.ipv4.ip_forward=0\n',
    changed: true,
    fileAfter: 'net.ipv4.ip_forward=1\n# keep me\n',
  },
  {
    title: 'leaves an equal value alone even with other spacing (tabs, spaces around =)',
    args: { name: 'net.ipv4.ip_local_port_range', value: '1024 65000', sysctl_file: FILE },
    file: 'net.ipv4.ip_local_port_range =  1024\t65000\n',
    runtime: { 'net.ipv4.ip_local_port_range': '32768 60999' },
    changed: false,
    fileAfter: 'net.ipv4.ip_local_port_range =  1024\t65000\n',
    // Ansible semantics: without sysctl_set the running value is not compared
    runtimeAfter: { 'net.ipv4.ip_local_port_range': '32768 60999' },
  },
  {
    title: 'sysctl_set sets the running value when only the runtime differs',
    args: { name: 'net.ipv4.ip_local_port_range', value: '1024 65000', sysctl_file: FILE, sysctl_set: true },
    file: 'net.ipv4.ip_local_port_range = 1024 65000\n',
    runtime: { 'net.ipv4.ip_local_port_range': '32768 60999' },
    changed: true,
    fileAfter: 'net.ipv4.ip_local_port_range = 1024 65000\n',
    runtimeAfter: { 'net.ipv4.ip_local_port_range': '1024 65000' },
  },
  {
    title: 'reload: false writes the file but leaves the running value',
    args: { name: 'net.ipv4.ip_forward', value: true, sysctl_file: FILE, reload: false },
    file: '',
    runtime: { 'net.ipv4.ip_forward': '0' },
    changed: true,
    fileAfter: 'net.ipv4.ip_forward=1\n',
    runtimeAfter: { 'net.ipv4.ip_forward': '0' },
  },
  {
    title: 'absent removes every entry of the key',
    args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: FILE },
    file: 'net.ipv4.ip_forward=1\nnet.core.somaxconn=512\n net.ipv4.ip_forward = 1\n',
    changed: true,
    fileAfter: 'net.core.somaxconn=512\n',
  },
  {
    title: 'absent with no entry is ok',
    args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: FILE },
    file: '# nothing\n',
    changed: false,
    fileAfter: '# nothing\n',
  },
  {
    title: 'uses /etc/sysctl.conf by default, like Ansible',
    args: { name: 'net.ipv4.ip_forward', value: '1' },
    file: null,
    changed: true,
    fileAfter: null,
    runtimeAfter: { 'net.ipv4.ip_forward': '1' },
  },
];

describe('sysctl module (in a namespaced sandbox)', function () {
  let sb: Sandbox;
  before(async () => {
    // /etc/sysctl.conf starts empty so the default-file row reloads only what the test wrote
    sb = await startSandbox('sysctl', { files: { '/etc/sysctl.conf': '' } });
  });
  after(async () => sb?.stop());

  const fileOf = (r: Row) => r.args.sysctl_file ?? '/etc/sysctl.conf';
  async function reset(r: Row) {
    const f = fileOf(r);
    await sh(sb.conn, `rm -rf /etc/sysctl.d/sub; rm -f ${f}; sysctl -q -w net.ipv4.ip_forward=0 net.core.somaxconn=4096 'net.ipv4.ip_local_port_range=32768 60999'`);
    if (r.file !== null) await sb.conn.put(f, r.file);
    for (const [k, v] of Object.entries(r.runtime ?? {})) await sh(sb.conn, `sysctl -q -w '${k}=${v}'`);
  }
  const readFile = async (path: string) => {
    const out = await sh(sb.conn, `if [ -e ${path} ]; then echo y; cat ${path}; else echo n; fi`);
    return out.startsWith('y\n') ? out.slice(2) : null;
  };
  const runtime = async (k: string) => (await sh(sb.conn, `sysctl -n ${k}`)).trim().split(/\s+/).join(' ');

  for (const r of rows) {
    it(r.title, async () => {
      await reset(r);
      const expectedFile = r.fileAfter ?? `${r.args.name}=${String(r.args.value)}\n`;
      const before = await readFile(fileOf(r));
      const rtBefore = Object.fromEntries(await Promise.all(Object.keys(r.runtimeAfter ?? {}).map(async (k) => [k, await runtime(k)])));

      const check = await runModule(sysctl, r.args, testContext(sb.conn, { check: true, diff: true }));
      expect(check.changed, 'check mode reports the change').to.equal(r.changed);
      expect(await readFile(fileOf(r)), 'check mode leaves the file').to.equal(before);
      for (const k of Object.keys(rtBefore)) expect(await runtime(k), `check mode leaves ${k}`).to.equal(rtBefore[k]);

      const first = await runModule(sysctl, r.args, testContext(sb.conn, { diff: true }));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(r.changed);
      const fileAfter = r.fileAfter === null && r.file === null && !r.changed ? null : expectedFile;
      expect(await readFile(fileOf(r))).to.equal(fileAfter);
      for (const [k, v] of Object.entries(r.runtimeAfter ?? {})) expect(await runtime(k), k).to.equal(v);
      expect((first.diff ?? []).length > 0, 'a diff exactly when changed').to.equal(r.changed);
      // the file's diff is there exactly when the file's content changed, and shows both sides
      const fd = first.diff?.find((d) => d.path === fileOf(r));
      expect(fd && [fd.before, fd.after], 'the file\'s diff').to.deep.equal(fileAfter !== before ? [before ?? '', expectedFile] : undefined);

      const second = await runModule(sysctl, r.args, testContext(sb.conn));
      expect(second.changed, 'second run is idempotent').to.equal(false);
    });
  }

  it('fails with a clear message for an unknown key, and ignoreerrors skips it', async () => {
    const bad = await runModule(sysctl, { name: 'net.nope.nothing', value: 1, sysctl_file: FILE }, testContext(sb.conn));
    expect(bad.failed).to.equal(true);
    expect(bad.msg).to.match(/net\.nope\.nothing: unknown key.*ignoreerrors/);
    const ok = await runModule(sysctl, { name: 'net.nope.nothing', value: 1, sysctl_file: FILE, ignoreerrors: true }, testContext(sb.conn));
    expect(ok.failed).to.equal(undefined);
  });

  // issue 18: a name starting with - reached `sysctl -n NAME`, so `-p/tmp/evil.conf` applied a
  // file of the attacker's choosing during the read-only probe, even under --check
  describe('a name that would be an option (-p/tmp/evil.conf)', () => {
    const evil: SysctlArgs = { name: '-p/tmp/evil.conf', value: 1, sysctl_file: FILE };
    beforeEach(async () => {
      await sh(sb.conn, "sysctl -q -w net.ipv4.ip_forward=0; printf 'net.ipv4.ip_forward=1\\n' > /tmp/evil.conf");
    });

    it('is refused by the argument check, naming the argument and what is allowed', () => {
      const errs = validateArgs(sysctl.def as never, { ...evil });
      expect(errs.join('\n')).to.match(/argument 'name' must be a sysctl key such as net\.ipv4\.ip_forward .*not starting with '-'.*got "-p\/tmp\/evil\.conf"/);
    });

    it('never applies the file, even when the argument check is bypassed (sysctl -n -- NAME)', async () => {
      for (const check of [true, false]) {
        const res = await sysctl.def.run(evil, testContext(sb.conn, { check })).catch((e: Error) => ({ failed: true, msg: e.message }));
        expect(res, 'an unknown key fails').to.deep.include({ failed: true });
        expect(await runtime('net.ipv4.ip_forward'), `check=${check}: the evil file was not applied`).to.equal('0');
      }
    });
  });
});
