// Bounds the exec channels open at once on one SSH connection. OpenSSH refuses channels past
// MaxSessions (10 by default), so extra commands wait here in FIFO order instead of failing.

export class ChannelLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** channels open or being opened now */
  get inUse(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.hold();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Takes a slot until the returned function is called (a persistent shell keeps its channel). */
  async hold(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue
      if (next) next();
      else this.active--;
    };
  }
}
