import { expect } from 'chai';
import { createReporter } from '../../lib/report/index.js';
import type { RunEvent } from '../../lib/report/events.js';
import { ANSI, BufferStream, SCRIPT } from './script.js';

async function runPlain(events: RunEvent[], opts: { diff?: boolean; verbosity?: number; color?: boolean; secrets?: string[] } = {}): Promise<string> {
  const out = new BufferStream();
  const r = createReporter({ mode: 'auto', out, diff: opts.diff ?? true, verbosity: opts.verbosity ?? 0, color: opts.color, secrets: opts.secrets });
  for (const ev of events) r.emit(ev);
  await r.close();
  return out.text;
}

const GOLDEN = `PLAY [upgrade cluster] *********************************************************

batch 1/3: k1-master01

TASK [etcd : render etcd.env] **************************************************
changed: [k1-master01]
/etc/etcd.env:
  mode: 0644 -> 0640
--- before: /etc/etcd.env
+++ after: /etc/etcd.env
@@ -1,2 +1,2 @@
 ETCD_NAME=etcd1
-ETCD_DATA_DIR=/var/lib/etcd
+ETCD_DATA_DIR=/data/etcd

TASK [wait for apiserver] ******************************************************
FAILED - RETRYING: [k1-master01]: wait for apiserver (2 retries left)
FAILED - RETRYING: [k1-master01]: wait for apiserver (1 retries left)
ok: [k1-master01]

batch 2/3: k1-node01, k1-node02

TASK [etcd : render etcd.env] **************************************************
ok: [k1-node01]
skipping: [k1-node02]
[WARNING]: k1-node02 has no etcd_member_name, using its hostname

TASK [drain : drain node] ******************************************************
changed: [k1-node01 -> k1-master01]
fatal: [k1-node02]: UNREACHABLE! ssh: connect to 127.0.1.3:22: connection refused

TASK [kubelet : install packages] **********************************************
changed: [k1-node01] => (item=kubelet)
ok: [k1-node01] => (item=kubectl)
failed: [k1-node01] => (item=kubeadm): no such package (rc=100)
...rescuing

TASK [kubelet : set admin password] ********************************************
failed: [k1-node01] => (item=None): the output has been hidden due to the fact that 'no_log: true' was specified for this result

TASK [show version] ************************************************************
ok: [k1-node01] => {
    "msg": "kubelet v1.31.2"
}

TASK [check swap] **************************************************************
failed: [k1-node01]: swap is on
...ignoring

RUNNING HANDLER [kubelet : restart kubelet] ************************************
changed: [k1-node01]

PLAY [upgrade workers] *********************************************************
skipping: no hosts matched

PLAY RECAP *********************************************************************
k1-master01                : ok=1    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
k1-node01                  : ok=3    changed=3    unreachable=0    failed=1    skipped=0    rescued=1    ignored=1
k1-node02                  : ok=0    changed=0    unreachable=1    failed=0    skipped=1    rescued=0    ignored=0

run stopped: drain failed on k1-node02 (unreachable)
never touched: k1-node03, k1-node10
to retry, use: --limit @/tmp/upgrade-cluster.retry
`;

describe('plain reporter (logs, CI)', () => {
  it('prints the scripted run exactly as Ansible-style lines', async () => {
    expect(await runPlain(SCRIPT)).to.equal(GOLDEN);
  });

  it('pads every banner to 80 columns', async () => {
    const banners = (await runPlain(SCRIPT)).split('\n').filter((l) => / \*{3,}$/.test(l));
    expect(banners).to.have.length.greaterThan(5);
    for (const b of banners) expect(b, b).to.have.length(80);
  });

  it('prints no color codes when color is off, and Ansible colors when on', async () => {
    expect(await runPlain(SCRIPT, { color: false })).not.to.match(ANSI);
    const colored = await runPlain(SCRIPT, { color: true });
    expect(colored).to.include('\x1b[33mchanged: [k1-node01 -> k1-master01]\x1b[39m');
    expect(colored).to.include('\x1b[32mok: [k1-node01]\x1b[39m');
    expect(colored).to.include('\x1b[36mskipping: [k1-node02]\x1b[39m');
    expect(colored).to.include('\x1b[31mfatal: [k1-node02]: UNREACHABLE!');
    expect(colored.replace(ANSI, '')).to.equal(GOLDEN);
  });

  it('leaves diffs out without --diff', async () => {
    const text = await runPlain(SCRIPT, { diff: false });
    expect(text).not.to.include('--- before');
    expect(text).not.to.include('mode: 0644');
    expect(text).to.include('changed: [k1-master01]\n\nTASK [wait for apiserver]');
  });

  it('prints module results with -v, but only the censored notice for no_log tasks', async () => {
    const text = await runPlain(SCRIPT, { verbosity: 1 });
    expect(text).to.include('ok: [k1-node01] => {"changed":false}\n');
    expect(text).to.include('FAILED - RETRYING: [k1-master01]: wait for apiserver (2 retries left): connection refused\n');
    expect(text).to.include('failed: [k1-node01] => (item=None): the output has been hidden');
    // the no_log task's message, loop item and diff all carry the password
    expect(text).not.to.include('hunter2');
  });

  it('never prints a no_log secret, whatever the options', async () => {
    for (const verbosity of [0, 1, 3]) {
      for (const diff of [true, false]) expect(await runPlain(SCRIPT, { verbosity, diff })).not.to.include('hunter2');
    }
  });

  it('masks known secrets anywhere in the output', async () => {
    const text = await runPlain(SCRIPT, { secrets: ['127.0.1.3', 'v1.31.2'] });
    expect(text).to.include('fatal: [k1-node02]: UNREACHABLE! ssh: connect to ********:22: connection refused');
    expect(text).to.include('"msg": "kubelet ********"');
    expect(text).not.to.include('127.0.1.3');
  });

  it('prints no batch line when serial gives a single batch', async () => {
    const text = await runPlain([
      { type: 'play_start', play: 'site', index: 0, hosts: ['a'] },
      { type: 'batch_start', play: 'site', batch: 1, batches: 1, hosts: ['a'] },
      { type: 'task_start', play: 'site', task: 'ping', hosts: ['a'] },
      { type: 'host_result', task: 'ping', host: 'a', status: 'ok', changed: false, durationMs: 1 },
      { type: 'task_end', task: 'ping' },
      { type: 'recap', hosts: { a: { ok: 1, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 } }, durationMs: 2 },
    ]);
    expect(text).to.equal(
      [
        'PLAY [site] ********************************************************************',
        '',
        'TASK [ping] ********************************************************************',
        'ok: [a]',
        '',
        'PLAY RECAP *********************************************************************',
        'a                          : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
        '',
      ].join('\n'),
    );
  });

  it('prints a failure without a message and a debug line without a host', async () => {
    const text = await runPlain([
      { type: 'task_start', play: 'p', task: 't', hosts: ['a'] },
      { type: 'log', message: 'starting the upgrade' },
      { type: 'host_result', task: 't', host: 'a', status: 'failed', changed: false, durationMs: 1 },
    ]);
    expect(text.split('\n')).to.deep.equal(['TASK [t] ***********************************************************************', 'starting the upgrade', 'failed: [a]', '']);
  });
});
