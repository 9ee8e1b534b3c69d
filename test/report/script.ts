// A scripted run, as the executor would emit it: two plays, serial batches, every kind of host
// result, a retry, a debug message, a warning, and a recap that stopped early with a retry file.

import { Writable } from 'node:stream';
import type { HostStats, RunEvent } from '../../lib/report/events.js';

const stats = (s: Partial<HostStats>): HostStats => ({
  ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, ...s,
});

export const NO_LOG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export const SCRIPT: RunEvent[] = [
  { type: 'run_start', playbook: 'upgrade-cluster', check: false, diff: true },
  { type: 'play_start', play: 'upgrade cluster', index: 0, hosts: ['k1-master01', 'k1-node01', 'k1-node02', 'k1-node03', 'k1-node10'] },
  { type: 'batch_start', play: 'upgrade cluster', batch: 1, batches: 3, hosts: ['k1-master01'] },
  { type: 'task_start', play: 'upgrade cluster', task: 'render etcd.env', role: 'etcd', hosts: ['k1-master01'] },
  {
    type: 'host_result', task: 'render etcd.env', role: 'etcd', host: 'k1-master01', status: 'changed', changed: true, durationMs: 4,
    diff: [{ path: '/etc/etcd.env', before: 'ETCD_NAME=etcd1\nETCD_DATA_DIR=/var/lib/etcd\n', after: 'ETCD_NAME=etcd1\nETCD_DATA_DIR=/data/etcd\n', attrs: { mode: { before: '0644', after: '0640' } } }],
    result: { changed: true },
  },
  { type: 'task_end', task: 'render etcd.env' },
  { type: 'task_start', play: 'upgrade cluster', task: 'wait for apiserver', hosts: ['k1-master01'] },
  { type: 'retry', task: 'wait for apiserver', host: 'k1-master01', attempt: 1, retries: 3, msg: 'connection refused' },
  { type: 'retry', task: 'wait for apiserver', host: 'k1-master01', attempt: 2, retries: 3 },
  { type: 'host_result', task: 'wait for apiserver', host: 'k1-master01', status: 'ok', changed: false, attempt: 3, durationMs: 20, result: { rc: 0 } },
  { type: 'task_end', task: 'wait for apiserver' },
  { type: 'batch_start', play: 'upgrade cluster', batch: 2, batches: 3, hosts: ['k1-node01', 'k1-node02'] },
  { type: 'task_start', play: 'upgrade cluster', task: 'render etcd.env', role: 'etcd', hosts: ['k1-node01', 'k1-node02'] },
  { type: 'host_result', task: 'render etcd.env', role: 'etcd', host: 'k1-node01', status: 'ok', changed: false, durationMs: 3, result: { changed: false } },
  { type: 'host_result', task: 'render etcd.env', role: 'etcd', host: 'k1-node02', status: 'skipped', changed: false, durationMs: 0 },
  { type: 'task_end', task: 'render etcd.env' },
  { type: 'warning', message: 'k1-node02 has no etcd_member_name, using its hostname' },
  { type: 'task_start', play: 'upgrade cluster', task: 'drain node', role: 'drain', hosts: ['k1-node01', 'k1-node02'] },
  { type: 'host_result', task: 'drain node', role: 'drain', host: 'k1-node01', delegatedTo: 'k1-master01', status: 'changed', changed: true, durationMs: 9, result: { rc: 0 } },
  { type: 'host_result', task: 'drain node', role: 'drain', host: 'k1-node02', status: 'unreachable', changed: false, msg: 'ssh: connect to 127.0.1.3:22: connection refused', durationMs: 1 },
  { type: 'task_end', task: 'drain node' },
  { type: 'task_start', play: 'upgrade cluster', task: 'install packages', role: 'kubelet', hosts: ['k1-node01'] },
  { type: 'host_result', task: 'install packages', role: 'kubelet', host: 'k1-node01', status: 'changed', changed: true, item: 'kubelet', durationMs: 5, result: { changed: true } },
  { type: 'host_result', task: 'install packages', role: 'kubelet', host: 'k1-node01', status: 'ok', changed: false, item: 'kubectl', durationMs: 5, result: { changed: false } },
  { type: 'host_result', task: 'install packages', role: 'kubelet', host: 'k1-node01', status: 'rescued', changed: false, item: 'kubeadm', msg: 'no such package', durationMs: 5, result: { rc: 100 } },
  { type: 'task_end', task: 'install packages' },
  { type: 'task_start', play: 'upgrade cluster', task: 'set admin password', role: 'kubelet', hosts: ['k1-node01'] },
  {
    type: 'host_result', task: 'set admin password', role: 'kubelet', host: 'k1-node01', status: 'failed', changed: false, item: 'hunter2', msg: 'bad password hunter2', durationMs: 2,
    diff: [{ path: '/etc/kubernetes/admin.pw', before: 'old\n', after: 'hunter2\n' }],
    result: { censored: NO_LOG },
  },
  { type: 'task_end', task: 'set admin password' },
  { type: 'task_start', play: 'upgrade cluster', task: 'show version', hosts: ['k1-node01'] },
  { type: 'log', host: 'k1-node01', task: 'show version', message: 'kubelet v1.31.2' },
  { type: 'host_result', task: 'show version', host: 'k1-node01', status: 'ok', changed: false, durationMs: 1, result: { msg: 'kubelet v1.31.2' } },
  { type: 'task_end', task: 'show version' },
  { type: 'task_start', play: 'upgrade cluster', task: 'check swap', hosts: ['k1-node01'] },
  { type: 'host_result', task: 'check swap', host: 'k1-node01', status: 'ignored', changed: false, msg: 'swap is on', durationMs: 1, result: { failed: true } },
  { type: 'task_end', task: 'check swap' },
  { type: 'task_start', play: 'upgrade cluster', task: 'restart kubelet', role: 'kubelet', hosts: ['k1-node01'], handler: true },
  { type: 'host_result', task: 'restart kubelet', role: 'kubelet', host: 'k1-node01', status: 'changed', changed: true, durationMs: 30, result: { changed: true } },
  { type: 'task_end', task: 'restart kubelet' },
  { type: 'play_skipped', play: 'upgrade workers', reason: 'no hosts matched' },
  {
    type: 'recap',
    hosts: {
      'k1-node02': stats({ skipped: 1, unreachable: 1 }),
      'k1-master01': stats({ ok: 1, changed: 1 }),
      'k1-node01': stats({ ok: 3, changed: 3, failed: 1, ignored: 1, rescued: 1 }),
    },
    stopped: { reason: 'drain failed on k1-node02 (unreachable)', untouched: ['k1-node03', 'k1-node10'] },
    retryFile: '/tmp/upgrade-cluster.retry',
    durationMs: 1234,
  },
];

/** A Writable that keeps what was written, as a string. */
export class BufferStream extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Test double for a terminal: a buffer that says it is a 120x40 TTY. */
export class FakeTTY extends BufferStream {
  isTTY = true;
  columns = 120;
  rows = 40;
}

/** Matches ANSI escape sequences (colors, cursor movement, erase). */
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
