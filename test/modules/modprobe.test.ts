import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { validateArgs } from '../../lib/executor/validate.js';
import { modprobe, type ModprobeArgs } from '../../lib/modules/modprobe.js';
import { runModule, sh, startSandbox, testContext, type Sandbox } from '../helpers/sandbox.js';

// The kernel is shared with this machine, so loading is done by a modprobe TEST DOUBLE
// (test/fixtures/system/modprobe-double.sh) that keeps its state in a tmpfs over the sandbox's
// /sys/module. Everything else (boot config files, built-in detection) is real.

const LOAD = (n: string) => `/etc/modules-load.d/${n}.conf`;
const OPTS = (n: string) => `/etc/modprobe.d/${n}.conf`;

interface Row {
  title: string;
  args: ModprobeArgs;
  loaded?: string[];
  files?: Record<string, string>;
  changed: boolean;
  /** modprobe invocations expected on the first real run */
  calls: string[];
  loadedAfter: Record<string, boolean>;
  filesAfter: Record<string, string | null>;
}

const rows: Row[] = [
  {
    title: 'loads br_netfilter and persists it in modules-load.d (kubespray)',
    args: { name: 'br_netfilter', state: 'present', persistent: 'present' },
    changed: true,
    calls: ['modprobe -- br_netfilter'],
    loadedAfter: { br_netfilter: true },
    filesAfter: { [LOAD('br_netfilter')]: 'br_netfilter\n', [OPTS('br_netfilter')]: null },
  },
  {
    title: 'loads ip_vs with params and writes its options file',
    args: { name: 'ip_vs', params: 'conn_tab_bits=15', persistent: 'present' },
    changed: true,
    calls: ['modprobe -- ip_vs conn_tab_bits=15'],
    loadedAfter: { ip_vs: true },
    filesAfter: { [LOAD('ip_vs')]: 'ip_vs\n', [OPTS('ip_vs')]: 'options ip_vs conn_tab_bits=15\n' },
  },
  {
    title: 'a loaded module is left alone (no modprobe call)',
    args: { name: 'nf_conntrack' },
    loaded: ['nf_conntrack'],
    changed: false,
    calls: [],
    loadedAfter: { nf_conntrack: true },
    filesAfter: { [LOAD('nf_conntrack')]: null },
  },
  {
    title: 'persistent: present fixes only the boot file of a loaded module',
    args: { name: 'nf_conntrack', persistent: 'present' },
    loaded: ['nf_conntrack'],
    files: { [LOAD('nf_conntrack')]: '# old\n' },
    changed: true,
    calls: [],
    loadedAfter: { nf_conntrack: true },
    filesAfter: { [LOAD('nf_conntrack')]: 'nf_conntrack\n' },
  },
  {
    title: 'absent unloads a loaded module',
    args: { name: 'ip_vs', state: 'absent' },
    loaded: ['ip_vs'],
    changed: true,
    calls: ['modprobe -r -- ip_vs'],
    loadedAfter: { ip_vs: false },
    filesAfter: {},
  },
  {
    title: 'persistent: absent removes the boot files of an unloaded module',
    args: { name: 'ip_vs', state: 'absent', persistent: 'absent' },
    files: { [LOAD('ip_vs')]: 'ip_vs\n', [OPTS('ip_vs')]: 'options ip_vs conn_tab_bits=15\n' },
    changed: true,
    calls: [],
    loadedAfter: { ip_vs: false },
    filesAfter: { [LOAD('ip_vs')]: null, [OPTS('ip_vs')]: null },
  },
  {
    title: 'a built-in module (modules.builtin) counts as loaded',
    args: { name: 'overlay' },
    changed: false,
    calls: [],
    loadedAfter: {},
    filesAfter: {},
  },
];

describe('modprobe module (in a namespaced sandbox, modprobe test double)', function () {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox('modprobe', {
      tmpfs: ['/sys/module'],
      files: {
        '/usr/local/sbin/modprobe': { content: readFileSync(new URL('../fixtures/system/modprobe-double.sh', import.meta.url)), mode: 0o755 },
        '/var/lib/tsplay-test/available-modules': 'br_netfilter\nip_vs\nnf_conntrack\n',
        [`/lib/modules/${release()}/modules.builtin`]: 'kernel/net/ipv4/tcp_cubic.ko\nkernel/fs/overlayfs/overlay.ko\n',
      },
    });
  });
  after(async () => sb?.stop());

  async function reset(r: Row) {
    await sh(sb.conn, 'rm -rf /sys/module/* /etc/modules-load.d/* /etc/modprobe.d/*.conf; : > /var/lib/tsplay-test/modprobe.log');
    for (const m of r.loaded ?? []) await sh(sb.conn, `mkdir -p /sys/module/${m} && echo live > /sys/module/${m}/initstate`);
    for (const [p, c] of Object.entries(r.files ?? {})) await sb.conn.put(p, c);
  }
  const calls = async () => (await sh(sb.conn, 'cat /var/lib/tsplay-test/modprobe.log')).split('\n').filter(Boolean);
  const isLoaded = async (m: string) => (await sh(sb.conn, `[ -e /sys/module/${m}/initstate ] && echo y || echo n`)).trim() === 'y';
  const file = async (p: string) => {
    const out = await sh(sb.conn, `if [ -e ${p} ]; then echo y; cat ${p}; else echo n; fi`);
    return out.startsWith('y\n') ? out.slice(2) : null;
  };

  for (const r of rows) {
    it(r.title, async () => {
      await reset(r);
      const check = await runModule(modprobe, r.args, testContext(sb.conn, { check: true }));
      expect(check.changed, 'check mode reports').to.equal(r.changed);
      expect(await calls(), 'check mode runs no modprobe').to.deep.equal([]);
      for (const [p, c] of Object.entries(r.files ?? {})) expect(await file(p), 'check mode leaves files').to.equal(c);

      const first = await runModule(modprobe, r.args, testContext(sb.conn, { diff: true }));
      expect(first.failed, first.msg).to.equal(undefined);
      expect(first.changed).to.equal(r.changed);
      expect(await calls()).to.deep.equal(r.calls);
      for (const [m, l] of Object.entries(r.loadedAfter)) expect(await isLoaded(m), `${m} loaded`).to.equal(l);
      for (const [p, c] of Object.entries(r.filesAfter)) expect(await file(p), p).to.equal(c);
      if (r.changed) expect(first.diff).to.be.an('array').that.is.not.empty;

      const second = await runModule(modprobe, r.args, testContext(sb.conn));
      expect(second.changed, 'second run is idempotent').to.equal(false);
      expect(await calls(), 'second run calls modprobe no more').to.deep.equal(r.calls);
    });
  }

  const failures: { title: string; args: ModprobeArgs; msg: RegExp }[] = [
    { title: 'an unknown module fails with modprobe\'s message', args: { name: 'no_such_mod' }, msg: /Module no_such_mod not found/ },
    { title: 'a built-in module cannot be removed', args: { name: 'overlay', state: 'absent' }, msg: /built into the kernel/ },
    { title: 'persistent present with state absent is refused', args: { name: 'ip_vs', state: 'absent', persistent: 'present' }, msg: /needs state: present/ },
  ];
  for (const f of failures) {
    it(f.title, async () => {
      await reset({ title: '', args: f.args, changed: false, calls: [], loadedAfter: {}, filesAfter: {} });
      const res = await runModule(modprobe, f.args, testContext(sb.conn));
      expect(res.failed).to.equal(true);
      expect(res.msg).to.match(f.msg);
    });
  }

  // issue 18: a module name starting with - became an option of modprobe (-r unloads)
  for (const name of ['-r', '--remove', '-a']) {
    it(`refuses the module name ${name} (an option of modprobe), naming the argument and what is allowed`, () => {
      const errs = validateArgs(modprobe.def as never, { name });
      expect(errs.join('\n')).to.match(/argument 'name' must be a kernel module name such as br_netfilter .*not starting with '-'.*got "-/);
    });
  }
  it('still accepts ordinary module names', () => {
    for (const name of ['br_netfilter', 'ip_vs', 'nf-conntrack']) expect(validateArgs(modprobe.def as never, { name }), name).to.deep.equal([]);
  });
});
