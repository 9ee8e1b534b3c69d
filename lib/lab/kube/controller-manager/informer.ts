// A cache of one resource kept by list + watch, as client-go's reflector/informer does: list,
// watch from the list's resourceVersion, apply events, and on any end of the watch list again
// (after a pause of at least 1 s, so a failing API is never hammered). onChange fires after each
// batch of changes; consumers reconcile from the cache instead of asking the API again.
import { KubeClient, type KubeObject, type WatchEvent } from '../common/client.js';

export function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);
}

export class Informer<T extends KubeObject> {
  readonly items = new Map<string, T>();
  private synced = false;
  private stopped = false;
  private current: { stop(): void } | undefined;
  private wake: (() => void) | undefined;
  /** its own connection pool: a watch holds a socket for minutes, and the client's pool is small */
  private readonly client: KubeClient;

  constructor(
    client: KubeClient,
    /** the collection path: `/api/v1/pods` */
    readonly path: string,
    private readonly onChange: () => void,
    private readonly onError: (msg: string) => void = () => {},
  ) {
    this.client = new KubeClient(client.creds, { userAgent: 'informer', timeoutMs: 30000 });
  }

  hasSynced(): boolean {
    return this.synced;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  byUid(uid: string): T | undefined {
    for (const o of this.items.values()) if (o.metadata.uid === uid) return o;
    return undefined;
  }

  /** Runs until stop(); never rejects. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const l = await this.client.list<T>(this.path);
        this.items.clear();
        for (const o of l.items) this.items.set(keyOf(o), o);
        this.synced = true;
        this.onChange();
        if (this.stopped) break;
        const w = this.client.watch<T>(this.path, { resourceVersion: l.metadata.resourceVersion, timeoutSeconds: 300 + Math.floor(Math.random() * 300) }, (e) => this.apply(e));
        this.current = w;
        failures = 0;
        await w.done;
      } catch (e) {
        failures++;
        // client-go logs each failure; repeat the same one only while backing off is short
        if (failures <= 3 || failures % 10 === 0) this.onError(`failed to list/watch ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.current = undefined;
      // 1 s after a watch ends, doubling up to 30 s while the API keeps failing
      const pause = Math.min(30000, 1000 * 2 ** Math.max(0, failures - 1));
      if (!this.stopped) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, pause)));
    }
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
    this.client.close();
  }

  private apply(e: WatchEvent<T>): void {
    if (e.type === 'ADDED' || e.type === 'MODIFIED') this.items.set(keyOf(e.object), e.object);
    else if (e.type === 'DELETED') this.items.delete(keyOf(e.object));
    else if (e.type === 'ERROR') {
      // 410 Gone and friends: end this watch; run() lists again
      this.current?.stop();
      return;
    } else return;
    this.onChange();
  }
}

/**
 * Coalesces change notifications into one reconcile at a time, at most every `minGapMs`, plus a
 * periodic resync; the work never runs twice at once.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private readonly resync: NodeJS.Timeout;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly minGapMs: number,
    resyncMs: number,
  ) {
    this.resync = setInterval(() => this.poke(), resyncMs);
  }

  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.fire(), this.minGapMs);
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      await this.work();
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    }
  }

  stop(): void {
    clearInterval(this.resync);
    if (this.timer) clearTimeout(this.timer);
  }
}
