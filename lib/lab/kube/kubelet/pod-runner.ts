// A pod's containers as host processes, children of the kubelet (each in its own process group so
// that a container's own children stop with it). restartPolicy Always with the kubelet's crash
// back-off (10 s doubling to 5 min); output to /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { planExec } from './images.js';
import { log } from './log.js';
import type { ContainerSpec, PodSpecLite } from './pod-spec.js';

export interface ContainerStatus {
  name: string;
  image: string;
  restartCount: number;
  running: boolean;
  startedAt?: string;
  lastExit?: { exitCode: number; signal?: string; finishedAt: string };
  /** CrashLoopBackOff while waiting to restart */
  waiting?: string;
  pid?: number;
}

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

class ContainerProcess {
  readonly status: ContainerStatus;
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: ContainerSpec,
    private readonly logDir: string,
    private readonly onChange: () => void,
  ) {
    this.status = { name: spec.name, image: spec.image, restartCount: 0, running: false };
  }

  start(): void {
    if (this.stopping) return;
    const plan = planExec(this.spec.image, this.spec.command, this.spec.args, { PATH: BASE_PATH, ...this.spec.env }, this.spec.mounts);
    const dir = join(this.logDir, this.spec.name);
    let fd: number | 'ignore' = 'ignore';
    try {
      mkdirSync(dir, { recursive: true });
      fd = openSync(join(dir, `${this.status.restartCount}.log`), 'a');
    } catch (e) {
      log.warn('kuberuntime_container.go:123', `cannot open the log of container ${this.spec.name}: ${(e as Error).message}`);
    }
    const child = spawn(plan.file, plan.args, { argv0: plan.argv0, env: plan.env, stdio: ['ignore', fd, fd], detached: true, cwd: '/' });
    if (typeof fd === 'number') closeSync(fd);
    this.child = child;
    this.status.running = true;
    this.status.waiting = undefined;
    this.status.startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.status.pid = child.pid;
    log.info('kuberuntime_container.go:115', `"Started container" container=${JSON.stringify(this.spec.name)} image=${JSON.stringify(this.spec.image)} runs=${JSON.stringify(plan.how)} pid=${child.pid ?? 0}`);
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        log.error('kuberuntime_container.go:130', `container ${this.spec.name}: ${e.message}`);
      });
      child.on('exit', (code, signal) => {
        this.child = undefined;
        this.status.running = false;
        this.status.pid = undefined;
        this.status.lastExit = { exitCode: code ?? 128 + 15, signal: signal ?? undefined, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        resolve();
        if (this.stopping) return;
        const delay = Math.min(BACKOFF_START_MS * 2 ** this.status.restartCount, BACKOFF_MAX_MS);
        this.status.waiting = 'CrashLoopBackOff';
        log.error('pod_workers.go:191', `"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"${this.spec.name}\\" with CrashLoopBackOff: \\"back-off ${Math.round(delay / 1000)}s restarting failed container=${this.spec.name}\\"" exitCode=${code ?? signal}`);
        this.onChange();
        this.timer = setTimeout(() => {
          this.status.restartCount++;
          this.start();
          this.onChange();
        }, delay);
      });
    });
  }

  /** SIGTERM to the container's process group, SIGKILL after the grace period. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child?.pid) return;
    const pg = -child.pid;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(pg, sig);
      } catch {
        /* already gone */
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    kill('SIGKILL'); // whatever the container's main process left behind in its group
  }
}

export class PodProcesses {
  private readonly containers: ContainerProcess[];

  constructor(
    readonly spec: PodSpecLite,
    readonly uid: string,
    onChange: () => void = () => {},
  ) {
    const logDir = `/var/log/pods/${spec.namespace}_${spec.name}_${uid}`;
    this.containers = spec.containers.map((c) => new ContainerProcess(c, logDir, onChange));
  }

  start(): void {
    for (const c of this.containers) c.start();
  }

  statuses(): ContainerStatus[] {
    return this.containers.map((c) => ({ ...c.status }));
  }

  stop(graceMs = this.spec.terminationGracePeriodSeconds * 1000): Promise<void> {
    return Promise.all(this.containers.map((c) => c.stop(graceMs))).then(() => undefined);
  }
}
