// Leader election renewals with the default timings kubeadm's manifests leave in place (lease 15 s,
// renew deadline 10 s, retry 2 s), against an in-memory Lease API: one request that stalls (a
// kept-alive connection that is never answered, an apiserver busy for a while) must cost one
// attempt, not the whole renew deadline. Before the fix the stalled attempt ran until the deadline
// and the leader gave up silently (`leaderelection lost` 12 s after acquiring, then a crash loop).
import { expect } from 'chai';
import { LeaderElector, type Klog, type LeaseApi } from '../../../lib/lab/kube/common/leader.js';

class Conflict extends Error {
  code = 409;
}

/** One Lease with resourceVersion checks, as the apiserver double keeps it; `stall(n)` holds the n-th GET. */
class FakeLeases implements LeaseApi {
  obj: { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined;
  rv = 0;
  gets = 0;
  updates = 0;
  stallGets = new Map<number, number>();
  get(): Promise<unknown> {
    const n = ++this.gets;
    const snap = (): unknown => {
      if (!this.obj) throw Object.assign(new Error('not found'), { code: 404 });
      return structuredClone(this.obj);
    };
    const ms = this.stallGets.get(n);
    if (ms === undefined) return Promise.resolve().then(snap);
    return new Promise((r) => setTimeout(r, ms)).then(snap);
  }
  create(_path: string, o: unknown): Promise<unknown> {
    const x = structuredClone(o) as NonNullable<FakeLeases['obj']>;
    x.metadata.resourceVersion = String(++this.rv);
    this.obj = x;
    return Promise.resolve(structuredClone(x));
  }
  update(_path: string, o: unknown): Promise<unknown> {
    const x = structuredClone(o) as NonNullable<FakeLeases['obj']>;
    if (x.metadata.resourceVersion !== this.obj?.metadata.resourceVersion) return Promise.reject(new Conflict('the object has been modified'));
    this.updates++;
    x.metadata.resourceVersion = String(++this.rv);
    this.obj = x;
    return Promise.resolve(structuredClone(x));
  }
}

describe('leader election renewals with the default timings (15 s / 10 s / 2 s)', function () {
  this.timeout(60000);

  it('a renewal whose request stalls for 11 s does not cost the lease: the next attempt renews within the deadline', async () => {
    const api = new FakeLeases();
    // GET 1 acquires; GET 2 is the first renewal: it answers only after 11 s (past the 10 s renew deadline)
    api.stallGets.set(2, 11000);
    const lines: string[] = [];
    const log: Klog = { info: (f, m) => lines.push(`I ${f}] ${m}`), error: (f, m) => lines.push(`E ${f}] ${m}`) };
    const el = new LeaderElector(api, { namespace: 'kube-system', name: 'kube-controller-manager', identity: 'm1_x', leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000, log });
    const stop = new AbortController();
    let leading = false;
    const outcome = el.run(() => (leading = true), stop.signal);
    const watched = Promise.race([outcome, new Promise<'still leading'>((r) => setTimeout(() => r('still leading'), 18000))]);
    const result = await watched;
    stop.abort();
    await outcome;
    expect(leading).to.equal(true);
    expect(result, lines.join('\n')).to.equal('still leading');
    // renewed after the stalled attempt, and the holder is still us
    expect(api.updates, lines.join('\n')).to.be.greaterThan(2);
    expect(api.obj?.spec['holderIdentity']).to.equal('m1_x');
    expect(Date.now() - Date.parse(String(api.obj?.spec['renewTime']))).to.be.below(5000);
    // the stalled attempt is reported, not silent
    expect(lines.join('\n')).to.match(/leaderelection\.go:\d+\] .*kube-system\/kube-controller-manager.*timed out|timed out.*kube-system\/kube-controller-manager/);
  });
});
