// Objects in etcd the way kube-apiserver's etcd3 store keeps them (ANCHORS §2.3): JSON values
// without resourceVersion; resourceVersion = the key's mod_revision; a list's = the header
// revision; writes are Txns comparing mod_revision, retried internally when they lose a race.
import type { Etcd3, IKeyValue, IRangeResponse, ITxnResponse } from 'etcd3';
import type { KubeObject } from '../common/client.js';
import { StatusError, internal } from './errors.js';

export interface Stored {
  key: string;
  obj: KubeObject;
  rev: number;
  createRev: number;
}

export interface ListResult {
  items: Stored[];
  /** the store's revision the list was read at */
  revision: number;
  /** key to continue from (exclusive start is handled by the caller's `\0`) */
  nextKey?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: WatchEventType;
  key: string;
  obj: KubeObject;
  rev: number;
  /** the object before a MODIFIED change */
  prev?: KubeObject;
}

/** The value a mutation returns: a new object to write, or `null` for "no change". */
export type Mutation = (cur: Stored) => KubeObject | null | Promise<KubeObject | null>;

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The end of a prefix range: the prefix with its last byte plus one. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, 'utf8');
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/**
 * Turns etcd/gRPC failures into what the real server sends: its etcd3 store passes etcd's error
 * through unchanged, which becomes a 500 Status with no reason and the error text as message
 * (kubectl prints `Error from server: etcdserver: request timed out`). A member that does not
 * answer within the deadline is Go's `context deadline exceeded`.
 */
export function storageError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const m = /(etcdserver: [^\n.]*)/.exec(msg);
  const text = m
    ? m[1]!
    : /compacted/.test(msg)
      ? 'mvcc: required revision has been compacted'
      : /deadline|DEADLINE_EXCEEDED|No connection established|ECONNREFUSED|UNAVAILABLE|unavailable|circuit/i.test(msg)
        ? 'context deadline exceeded'
        : msg;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text, code: 500 });
}

function decode(kv: IKeyValue): Stored {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(kv.mod_revision);
  return { key: kv.key.toString('utf8'), obj, rev: Number(kv.mod_revision), createRev: Number(kv.create_revision) };
}

/** What goes into etcd: the object without resourceVersion/selfLink (never stored). */
export function encodeForStorage(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, selfLink: _sl, ...meta } = obj.metadata ?? {};
  return enc(JSON.stringify({ ...obj, metadata: meta }));
}

export class Storage {
  constructor(readonly etcd: Etcd3) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storageError(e);
    }
  }

  async get(key: string): Promise<Stored | null> {
    const r: IRangeResponse = await this.call(() => this.etcd.kv.range({ key: enc(key) }));
    return r.kvs.length ? decode(r.kvs[0]!) : null;
  }

  /** Keys under `prefix` from `startKey` (inclusive), at `revision` (0 = latest), at most `limit` (0 = all). */
  async list(prefix: string, opts: { startKey?: string; revision?: number; limit?: number } = {}): Promise<ListResult> {
    const r: IRangeResponse = await this.call(() =>
      this.etcd.kv.range({
        key: enc(opts.startKey ?? prefix),
        range_end: prefixEnd(prefix),
        ...(opts.revision ? { revision: opts.revision } : {}),
        ...(opts.limit ? { limit: opts.limit } : {}),
      }),
    );
    const items = r.kvs.map(decode);
    const revision = opts.revision || Number(r.header.revision);
    const last = r.kvs[r.kvs.length - 1];
    return { items, revision, ...(r.more && last ? { nextKey: last.key.toString('utf8') + '\0' } : {}) };
  }

  /** Creates `key` if absent: false when it exists (the caller answers AlreadyExists). */
  async create(key: string, obj: KubeObject): Promise<Stored | false> {
    const r: ITxnResponse = await this.call(() =>
      this.etcd.kv.txn({
        compare: [{ key: enc(key), target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: enc(key), value: encodeForStorage(obj) } }],
        failure: [],
      }),
    );
    if (!r.succeeded) return false;
    const rev = Number(r.header.revision);
    return { key, obj: withRV(obj, rev), rev, createRev: rev };
  }

  /**
   * Reads `key`, applies `mutate`, writes it if it changed, comparing the read revision; on a lost
   * race, reads and mutates again (GuaranteedUpdate). Null when the key does not exist.
   */
  async update(key: string, mutate: Mutation): Promise<Stored | null> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.get(key);
      if (!cur) return null;
      const next = await mutate(cur);
      if (!next) return cur;
      const data = encodeForStorage(next);
      if (data.equals(encodeForStorage(cur.obj))) return cur; // no-op write: no new revision, no event
      const r: ITxnResponse = await this.call(() =>
        this.etcd.kv.txn({
          compare: [{ key: enc(key), target: 'Mod', result: 'Equal', mod_revision: cur.rev }],
          success: [{ request_put: { key: enc(key), value: data } }],
          failure: [],
        }),
      );
      if (r.succeeded) {
        const rev = Number(r.header.revision);
        return { key, obj: withRV(next, rev), rev, createRev: cur.createRev };
      }
      if (attempt > 50) throw internal(`too many conflicting writes to ${key}`);
    }
  }

  /** Deletes `key` if its revision is still `rev`: false when it changed meanwhile. */
  async deleteAt(key: string, rev: number): Promise<number | false> {
    const r: ITxnResponse = await this.call(() =>
      this.etcd.kv.txn({
        compare: [{ key: enc(key), target: 'Mod', result: 'Equal', mod_revision: rev }],
        success: [{ request_delete_range: { key: enc(key) } }],
        failure: [],
      }),
    );
    return r.succeeded ? Number(r.header.revision) : false;
  }

  /** A cheap linearizable read: fails when etcd has no quorum (healthz's etcd check). */
  async ping(timeoutMs = 2000): Promise<void> {
    // --etcd-healthcheck-timeout defaults to 2 s
    await this.call(() => this.etcd.kv.range({ key: enc('health') }, { deadline: Date.now() + timeoutMs }));
  }

  /**
   * Watches keys under `prefix` (or the one key) for changes after revision `fromRev`.
   * Returns a stop function; `onEnd` is called with a Status when etcd ends the watch (compaction).
   */
  async watch(prefix: string, fromRev: number, onEvent: (e: StoreEvent) => void, onEnd: (err: StatusError) => void): Promise<() => void> {
    const builder = this.etcd.watch().inRange({ start: enc(prefix), end: prefixEnd(prefix) }).withPreviousKV();
    if (fromRev > 0) builder.startRevision(String(fromRev + 1));
    const w = await this.call(() => builder.create());
    w.on('data', (res) => {
      if (res.compact_revision && res.compact_revision !== '0') {
        onEnd(new StatusError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'The resourceVersion for the provided watch is too old.' }));
        return;
      }
      for (const ev of res.events) {
        const key = ev.kv.key.toString('utf8');
        const rev = Number(ev.kv.mod_revision);
        if (ev.type === 'Delete') {
          if (!ev.prev_kv) continue;
          const prev = decode(ev.prev_kv).obj;
          prev.metadata.resourceVersion = String(rev);
          onEvent({ type: 'DELETED', key, obj: prev, rev });
        } else {
          const s = decode(ev.kv);
          const prev = ev.prev_kv ? decode(ev.prev_kv).obj : undefined;
          onEvent({ type: ev.kv.create_revision === ev.kv.mod_revision ? 'ADDED' : 'MODIFIED', key, obj: s.obj, rev, ...(prev ? { prev } : {}) });
        }
      }
    });
    w.on('error', (e) => onEnd(storageError(e)));
    return () => {
      w.removeAllListeners();
      void w.cancel().catch(() => undefined);
    };
  }
}

function withRV(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}
