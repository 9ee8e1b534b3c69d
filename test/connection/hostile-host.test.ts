import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import type { ExecResult } from '../../lib/connection/types.js';
import { labConnectionVars, type LabState } from '../../lib/lab/index.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copy } from '../../lib/modules/copy.js';
import { fetch } from '../../lib/modules/fetch.js';
import type { ModuleContext } from '../../lib/modules/types.js';
import { shq } from '../../lib/util/shell.js';
import { makeContext } from '../helpers/module-context.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';

// Attacks by an unprivileged user of a managed host (a lab host with a real sshd, a root
// connection as tsplay makes it, and `mallory`, who may log in but has no sudo). Each test does
// what such a user can do with their own files and `ps`, and checks that it does no harm.

const MALLORY = 'mallory';

/** Every token in the host's process list that looks like a framing marker or nonce, as mallory sees it. */
async function harvestMarkers(lab: LabState): Promise<string[]> {
  const ps = await labSsh(lab, 'h1', 'ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n"', { user: MALLORY });
  const found = new Set(ps.stdout.match(/tsplay-frame-[0-9a-f]+|\b[0-9a-f]{32}\b/g) ?? []);
  // a guess in the old format, so the payload is always there even when nothing leaks
  found.add('tsplay-frame-0123456789abcdef');
  return [...found];
}

describe('a hostile user on a managed host (lab host, unprivileged user)', function () {
  this.timeout(120_000);
  const lab = useLab('hostile', [{ name: 'h1', address: `${labSubnet(47)}.1` }], { users: [{ name: MALLORY }] });
  const conns: SshConnection[] = [];
  const connect = (vars: Record<string, unknown> = {}): SshConnection => {
    const h = lab().hosts[0];
    const o = sshOptionsFromVars('h1', { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ...labConnectionVars(lab()), ...vars }, {});
    const c = new SshConnection({ ...o, agentSocket: undefined });
    conns.push(c);
    return c;
  };
  after(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
  });

  it('cannot inject a command into the persistent shell through text the play passes on (runs as root)', async () => {
    const c = connect();
    expect((await c.exec('true')).rc).to.equal(0); // the shells are up, as in any run
    for (const marker of await harvestMarkers(lab())) {
      // mallory's "version" file: a fake end of request, a request of their own, another end
      const payload = `1.2.3\n${marker}\n77 0\n77 ${marker.replace(/^tsplay-frame-/, '')} 1 0\ntouch /root/pwned-${marker.length}\n${marker}\n`;
      await labSsh(lab(), 'h1', `cat > ~/version`, { user: MALLORY, input: payload });
      const slurped = await c.exec(`cat /home/${MALLORY}/version`);
      expect(slurped.stdout).to.equal(payload);
      // the play passes the value on, quoted as every argument is
      const r = await c.exec(`printf '%s' ${shq(slurped.stdout)}`);
      expect(r, marker).to.deep.equal({ rc: 0, stdout: payload, stderr: '' });
      expect((await c.exec('echo next')).stdout).to.equal('next\n');
    }
    const pwned = await c.exec('ls /root | grep -c pwned || true');
    expect(pwned.stdout.trim(), 'files mallory made root create').to.equal('0');
  });

  it('cannot fake the end of a reply: a failing command that prints mallory\'s file still fails, with all its output', async () => {
    const c = connect();
    await c.exec('true');
    const markers = await harvestMarkers(lab());
    // the third command of a fresh shell is request 3 (ids are a counter); forge its end for every
    // marker seen, and the ids around it
    const forged = markers.flatMap((m) => [1, 2, 3, 4, 5].flatMap((id) => [`\n${m} ${id} 0\n`, `\n${m} ${id}\n`])).join('');
    for (const [i, m] of markers.entries()) {
      const last = `\n${m} 3 0\n`;
      await labSsh(lab(), 'h1', `cat > ~/log${i}`, { user: MALLORY, input: `log line${forged}${last}` });
    }
    for (const i of markers.keys()) {
      const fresh = connect();
      await fresh.exec('true');
      await fresh.exec('true');
      // output that arrives over time on both streams (a progress log shown on stdout and
      // stderr): every line of it can end a packet
      const r = await fresh.exec(`while IFS= read -r l; do printf '%s\\n' "$l"; printf '%s\\n' "$l" >&2; sleep 0.02; done < /home/${MALLORY}/log${i}; exit 3`);
      expect(r.rc, markers[i]).to.equal(3);
      expect(r.stdout.startsWith('log line')).to.equal(true);
      expect(r.stdout.endsWith(`\n${markers[i]} 3 0\n`)).to.equal(true);
    }
  });

  it('never shows a framing marker or a nonce in any process\'s command line or environment', async () => {
    const c = connect();
    await c.exec('true');
    await c.helper!({ op: 'ping' });
    const ps = await labSsh(lab(), 'h1', 'ps -eo args', { user: MALLORY });
    expect(ps.stdout).to.match(/sh -c/); // the shells are there to be seen
    expect(ps.stdout).not.to.match(/tsplay-frame|\b[0-9a-f]{32}\b/);
  });

  it('refuses a command with a NUL byte on both paths, before anything runs', async () => {
    for (const c of [connect(), connect({ tsplay_persistent_shell: 'false' })]) {
      let err: Error | undefined;
      await c.exec('touch /root/nul-a\0b').catch((e: Error) => (err = e));
      expect(err?.message).to.match(/NUL byte/);
      expect((await c.exec('ls /root')).stdout).not.to.match(/nul-a/);
    }
    // and the Python helper's requests, which carry paths as JSON
    let err: Error | undefined;
    await connect().helper!({ op: 'probe', specs: [{ path: '/root/a\0b' }] }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/argument 'path' "\/root\/a\\u0000b" contains a NUL byte/);
  });

  it('cannot grow the controller without bound: output past tsplay_max_output ends that command, clearly', async () => {
    for (const persistent of ['true', 'false']) {
      const c = connect({ tsplay_max_output: '8M', tsplay_persistent_shell: persistent });
      let err: Error | undefined;
      const started = Date.now();
      await c.exec('yes tsplay-flood').catch((e: Error) => (err = e));
      expect(err?.message, `persistent=${persistent}`).to.match(/printed more than 8388608 bytes: tsplay ended it \(raise tsplay_max_output/);
      expect(Date.now() - started).to.be.below(20_000);
      // the flood was killed on the host, and the connection still works
      const left = await c.exec('pgrep -x yes || true');
      expect(left.stdout).to.equal('');
      expect((await c.exec('echo after')).stdout).to.equal('after\n');
    }
  });

  it('a file far larger than the output cap still arrives whole: it is read in pieces', async () => {
    const c = connect({ tsplay_max_output: '8M' });
    await c.exec('head -c 30000000 /dev/urandom > /root/big.bin');
    const want = (await c.exec('sha1sum < /root/big.bin')).stdout.split(' ')[0];
    const got = await c.get('/root/big.bin');
    expect(got.length).to.equal(30_000_000);
    expect(createHash('sha1').update(got).digest('hex')).to.equal(want);
    await c.exec('rm /root/big.bin');
  });

  it('fetch streams a file far larger than the cap to the controller, committed only whole', async () => {
    const c = connect({ tsplay_max_output: '8M' });
    await c.exec('head -c 30000000 /dev/urandom > /root/big.bin && chmod 640 /root/big.bin');
    const want = (await c.exec('sha1sum < /root/big.bin')).stdout.split(' ')[0];
    const dest = mkdtempSync(join(tmpdir(), 'tsplay-fetch-big-'));
    try {
      const ctx: ModuleContext = { ...makeContext(), conn: c, host: 'h1' };
      const res = await fetch.def.run({ src: '/root/big.bin', dest }, ctx);
      expect(res).to.include({ changed: true, checksum: want });
      const local = join(dest, 'h1/root/big.bin');
      expect(createHash('sha1').update(readFileSync(local)).digest('hex')).to.equal(want);
      expect(statSync(local).mode & 0o777).to.equal(0o640 & ~process.umask());
      expect(readdirSync(join(dest, 'h1/root'))).to.deep.equal(['big.bin']);
    } finally {
      rmSync(dest, { recursive: true, force: true });
      await c.exec('rm -f /root/big.bin');
    }
  });

  it('refuses a nonsensical tsplay_max_output naming the host and variable', () => {
    expect(() => connect({ tsplay_max_output: '100k' })).to.throw(/h1: tsplay_max_output='100k' is not a size of at least 8M/);
    expect(() => connect({ tsplay_max_output: 'lots' })).to.throw(/h1: tsplay_max_output='lots' is not a size/);
  });

  describe('temp files and backups in a directory mallory can write', () => {
    // root manages a file in a directory of mallory's (an app's config in their home, say)
    const victim = '/etc/tsplay-victim';
    const dir = `/home/${MALLORY}/app`;
    const keys = `${dir}/settings.conf`;
    const victimState = 'stat -c "%U:%G %a %s" /etc/tsplay-victim; sha1sum < /etc/tsplay-victim';
    let before: string;

    beforeEach(async () => {
      await labSsh(lab(), 'h1', `printf 'root secret\\n' > ${victim}; chmod 600 ${victim}; rm -rf ${dir}; mkdir -p ${dir}; chown ${MALLORY}: ${dir}; rm -f /tmp/attacker-ready`);
      before = (await labSsh(lab(), 'h1', victimState)).stdout;
    });

    /** mallory, in a tight loop: every `.tsplay.*` name in the directory becomes a link to the victim (resolves once it runs). */
    async function attacker(seconds: number): Promise<Promise<ExecResult>> {
      const py = [
        'import os, time',
        `d = '${dir}'`,
        "open('/tmp/attacker-ready', 'w').close()",
        `end = time.time() + ${seconds}`,
        'n_swapped = 0',
        'while time.time() < end:',
        '    for n in os.listdir(d):',
        "        if n.startswith('.tsplay.'):",
        '            p = os.path.join(d, n)',
        '            try:',
        "                os.rename(p, p + '.x') if os.path.isdir(p) else os.unlink(p)",
        `                os.symlink('${victim}', p)`,
        '                n_swapped += 1',
        '            except OSError: pass',
        'print(n_swapped)',
      ].join('\n');
      const p = labSsh(lab(), 'h1', `python3 -c ${shq(py)}`, { user: MALLORY });
      for (let i = 0; i < 100 && (await labSsh(lab(), 'h1', 'test -e /tmp/attacker-ready')).rc !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      return p;
    }

    // the helper's temp file lives only while its bytes are written: a bigger file, fewer times
    for (const [label, vars, size, times] of [
      ['python helper', {}, 4_000_000, 20],
      ['sh', { ansible_python_interpreter: '/nonexistent/python3' }, 200_000, 60],
    ] as const) {
      it(`a ${label} write cannot be turned onto another file by swapping its temp file`, async () => {
        const c = connect(vars);
        const running = attacker(8);
        const content = 'setting=' + 'x'.repeat(size) + '\n';
        const errors: string[] = [];
        for (let i = 0; i < times; i++) {
          await c.put(keys, content, { mode: '0600', owner: MALLORY, group: MALLORY }).catch((e: Error) => errors.push(e.message));
        }
        const swaps = await running;
        expect(swaps.rc, swaps.stderr).to.equal(0);
        expect(Number(swaps.stdout), 'temp files mallory swapped').to.be.greaterThan(0);
        expect((await labSsh(lab(), 'h1', victimState)).stdout, 'the victim file').to.equal(before);
        // a write either failed with a clear message or put exactly our content in place
        for (const e of errors) expect(e).to.match(/replaced|cannot write/);
        await c.put(keys, content, { mode: '0600', owner: MALLORY, group: MALLORY });
        const got = await labSsh(lab(), 'h1', `sha1sum < ${keys}; stat -c "%U %a" ${keys}`);
        expect(got.stdout).to.equal(`${createHash('sha1').update(content).digest('hex')}  -\n${MALLORY} 600\n`);
      });
    }

    it('backup: true never follows a link planted at the backup name', async () => {
      const c = connect();
      await c.put(keys, 'old\n', { mode: '0600' });
      // the backup's name is predictable (Ansible's: <dest>.<shell pid>.<time to the second>~):
      // mallory sees the shells' pids in ps and plants links for the next few seconds
      const pids = (await labSsh(lab(), 'h1', "pgrep -f 'while IFS= read' || true")).stdout.split('\n').filter(Boolean);
      expect(pids).to.not.be.empty;
      const stamps = (await labSsh(lab(), 'h1', 'for s in 0 1 2 3 4 5; do date -d "+$s sec" +%Y-%m-%d@%H:%M:%S; done')).stdout.split('\n').filter(Boolean);
      const links = pids.flatMap((p) => stamps.map((s) => `ln -sf ${victim} ${shq(`${keys}.${p}.${s}~`)}`));
      expect((await labSsh(lab(), 'h1', links.join('\n'), { user: MALLORY })).rc).to.equal(0);
      const ctx: ModuleContext = { ...makeContext(), conn: c };
      let err: Error | undefined;
      const res = await copy.def.run({ dest: keys, content: 'new\n', backup: true }, ctx).catch((e: Error) => (err = e));
      expect((await labSsh(lab(), 'h1', victimState)).stdout, 'the victim file').to.equal(before);
      if (err) {
        expect(err.message).to.match(/cannot create the backup .* the file was not changed/);
        expect((await labSsh(lab(), 'h1', `cat ${keys}`)).stdout).to.equal('old\n');
      } else {
        const b = (res as { backup_file?: string }).backup_file!;
        expect((await labSsh(lab(), 'h1', `cat ${shq(b)}; cat ${keys}`)).stdout).to.equal('old\nnew\n');
      }
    });
  });
});
