// staticPodPath: every manifest file is a pod this kubelet runs without the API. The real kubelet
// re-reads the directory every fileCheckFrequency (20 s) and on inotify events; so does this one
// (fs.watch). A manifest whose content changes is a new pod (its UID is a hash of the content):
// the old processes stop and new ones start, which is how `kubeadm upgrade` restarts the control
// plane. A removed manifest stops its pod.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { log } from './log.js';
import { PodProcesses } from './pod-runner.js';
import { PodSpecError, readPodSpec } from './pod-spec.js';

export interface StaticPod {
  file: string;
  /** the manifest's Pod object, as parsed */
  object: Record<string, unknown>;
  /** `<name>-<node>` */
  podName: string;
  namespace: string;
  /** kubernetes.io/config.hash: also the pod's UID */
  hash: string;
  seen: string;
  procs: PodProcesses;
}

export class StaticPods {
  readonly pods = new Map<string, StaticPod>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly checkEveryMs: number,
    /** called after pods started, stopped or changed status */
    private readonly onChange: () => void,
  ) {}

  start(): void {
    if (!this.dir) return;
    log.info('file.go:68', `"Watching path" path=${JSON.stringify(this.dir)}`);
    this.kick();
    this.timer = setInterval(() => this.kick(), Math.max(1000, this.checkEveryMs));
  }

  /** Schedules a re-read of the directory (coalescing bursts of events). */
  kick(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.syncing = this.syncing.then(() => this.sync()).catch((e: unknown) => log.error('file.go:180', String(e)));
    }, 200);
  }

  private watchedPath = '';

  /** inotify on the directory, or on its nearest existing parent until the directory appears. */
  private ensureWatch(): void {
    if (this.watchedPath === this.dir) return;
    for (let p = this.dir; ; p = dirname(p)) {
      try {
        const w = watch(p, () => this.kick());
        w.on('error', () => {
          w.close();
          if (this.watcher === w) {
            this.watcher = undefined;
            this.watchedPath = '';
          }
        });
        this.watcher?.close();
        this.watcher = w;
        this.watchedPath = p;
        return;
      } catch {
        if (p === '/' || p === dirname(p)) return;
      }
    }
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.error('file.go:149', `"Unable to read config path" err=${JSON.stringify(String(e))} path=${JSON.stringify(this.dir)}`);
      names = [];
      if (this.watchedPath === this.dir) {
        this.watcher?.close();
        this.watcher = undefined;
        this.watchedPath = '';
      }
    }
    this.ensureWatch();
    const wanted = new Map<string, { object: Record<string, unknown>; hash: string; file: string }>();
    for (const n of names) {
      const file = join(this.dir, n);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue; // a directory or a file removed meanwhile
      }
      const hash = createHash('md5').update(this.nodeName).update('\0').update(text).digest('hex');
      const prev = this.pods.get(file);
      if (prev && prev.hash === hash) {
        wanted.set(file, { object: prev.object, hash, file });
        continue;
      }
      let obj: unknown;
      try {
        obj = n.endsWith('.json') ? JSON.parse(text) : parse(text);
        readPodSpec(obj, file);
      } catch (e) {
        const why = e instanceof PodSpecError ? e.message : `${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        log.error('file.go:207', `"Could not process manifest file" err=${JSON.stringify(why)} path=${JSON.stringify(file)}`);
        continue;
      }
      wanted.set(file, { object: obj as Record<string, unknown>, hash, file });
    }
    let changed = false;
    for (const [file, pod] of [...this.pods]) {
      const w = wanted.get(file);
      if (w && w.hash === pod.hash) continue;
      log.info('kubelet.go:2455', `"SyncLoop REMOVE" source="file" pods=[${JSON.stringify(`${pod.namespace}/${pod.podName}`)}]`);
      this.pods.delete(file);
      changed = true;
      await pod.procs.stop();
    }
    for (const [file, w] of wanted) {
      if (this.pods.has(file) || this.stopped) continue;
      const spec = readPodSpec(w.object, file);
      const podName = `${spec.name}-${this.nodeName}`;
      const procs = new PodProcesses({ ...spec, name: podName }, w.hash, this.onChange);
      const pod: StaticPod = { file, object: w.object, podName, namespace: spec.namespace, hash: w.hash, seen: new Date().toISOString(), procs };
      log.info('kubelet.go:2425', `"SyncLoop ADD" source="file" pods=[${JSON.stringify(`${spec.namespace}/${podName}`)}]`);
      this.pods.set(file, pod);
      procs.start();
      changed = true;
    }
    if (changed) this.onChange();
  }

  /** Stops watching and every static pod's processes. */
  async stop(graceMs?: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.watcher?.close();
    await this.syncing.catch(() => undefined);
    await Promise.all([...this.pods.values()].map((p) => p.procs.stop(graceMs)));
  }
}
