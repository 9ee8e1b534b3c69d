import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { clusterHosts, FIXTURES, REPO, writeLabInventory } from './helpers.js';

// Ctrl-C at random moments while a run writes a large file and many small ones and then runs a
// long command on 8 lab hosts: every target keeps its old content or has its whole new content,
// no temp file or directory is left, no process of the run is left on any host, exit 99.
const PLAYBOOK = path.join(FIXTURES, 'interrupt-writes.ts');
const BIG = 40_000_000;
// early (the large file on its way), later (small files, or still the large one on a slow
// machine), and once the long command runs everywhere
const TRIALS: { label: string; window?: [number, number] }[] = [
  { label: 'early', window: [0, 1200] },
  { label: 'later', window: [1200, 3500] },
  { label: 'during the long command' },
];

const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

describe('e2e: Ctrl-C in the middle of writes and commands (8 lab hosts)', function () {
  this.timeout(300_000);
  const lab = useLab('e2e-int', clusterHosts(labSubnet(49), 2, 6));
  let inv: string;
  let bigSrc: string;
  let newBig: string;
  before(async () => {
    inv = await writeLabInventory(lab(), path.join(lab().stateDir, 'hosts.ini'));
    const data = randomBytes(BIG);
    newBig = sha1(data);
    bigSrc = path.join(lab().stateDir, 'big.bin');
    await writeFile(bigSrc, data);
  });
  after(async () => {
    if (bigSrc) await rm(bigSrc, { force: true });
  });

  for (const trial of TRIALS) {
    it(`SIGINT at a random moment (${trial.label}) leaves old or whole new files, no temp files, no processes`, async () => {
      const hosts = lab().hosts.map((h) => h.name);
      // old content everywhere: a different large file and old small files
      const reset = [
        'rm -rf /srv/tsplay-int && mkdir -p /srv/tsplay-int',
        'head -c 1000 /dev/zero > /srv/tsplay-int/big.bin',
        'for i in $(seq 0 19); do echo "$i old" > /srv/tsplay-int/small-$i.txt; done',
      ].join(' && ');
      await Promise.all(hosts.map((h) => labSsh(lab(), h, reset)));
      const oldBig = sha1(Buffer.alloc(1000));

      const child = spawn(process.execPath, [path.join(REPO, 'bin/tsplay.js'), 'run', PLAYBOOK, '-i', inv, '-e', `big_src=${bigSrc}`, '--no-retry-file'], {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: '1', CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      // windows count from the play's start: a Ctrl-C before node has loaded tsplay at all is
      // node's own (nothing has reached a host then), and on a loaded machine that takes a while
      for (let i = 0; i < 600 && !out.includes('PLAY ['); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).to.include('PLAY [');
      const started = Date.now();
      if (trial.window) {
        const [from, to] = trial.window;
        await new Promise((r) => setTimeout(r, from + Math.floor(Math.random() * (to - from))));
      } else {
        const sleeping = async (): Promise<boolean> =>
          (await Promise.all(hosts.map((h) => labSsh(lab(), h, 'pgrep -x sleep >/dev/null')))).every((r) => r.rc === 0);
        for (let i = 0; i < 120 && !(await sleeping()); i++) await new Promise((r) => setTimeout(r, 500));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
      }
      const delay = Date.now() - started;
      child.kill('SIGINT');
      expect(await code, `interrupted after ${delay} ms:\n${out}`).to.equal(99);
      expect(out).to.contain('User interrupted execution');

      for (const h of hosts) {
        const state = await labSsh(
          lab(),
          h,
          [
            'cd /srv/tsplay-int',
            'sha1sum < big.bin',
            'for i in $(seq 0 19); do head -n 1 small-$i.txt; done',
            'echo "left: $(ls -A | grep -c -v -e "^big.bin$" -e "^small-[0-9]*.txt$")"',
            // what the run started: the long command, the shells' loops, the helper
            // (this check's own command line names them too: lines mentioning grep are not counted)
            "echo \"procs=[$(ps -eo args | grep -v grep | grep -e '^sleep 300' -e 'read -r _t_h' -e 'python3 -S -E -c' | tr '\\n' '|')]\"",
          ].join('; '),
        );
        const lines = state.stdout.trim().split('\n');
        const bigSum = lines[0].split(' ')[0];
        expect([oldBig, newBig], `${h}: big.bin is old or whole (after ${delay} ms)`).to.include(bigSum);
        for (const [i, l] of lines.slice(1, 21).entries()) expect([`${i} old`, `${i} new`], `${h}: small-${i}.txt`).to.include(l);
        expect(lines[21], `${h}: temp files left`).to.equal('left: 0');
        expect(lines[22], `${h}: processes of the run left (after ${delay} ms)`).to.equal('procs=[]');
      }
    });
  }
});
