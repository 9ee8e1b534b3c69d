import type { Readable } from 'node:stream';
import type { Client } from 'ssh2';
import type { JumpSpec } from './args.js';
import { openClient, type ClientTarget } from './client.js';

// ProxyJump without the `ssh` binary: a bastion is an ssh2 Client of its own and the target's
// TCP stream is a direct-tcpip channel on it (forwardOut). Hosts behind the same bastion share
// one bastion connection; a dropped bastion is forgotten so the next user reconnects.

export type HopSettings = Omit<ClientTarget, 'label' | 'address' | 'port' | 'user' | 'sock' | 'privateKeyFile' | 'password'> & {
  user: string;
  privateKeyFile?: string;
};

function hopKey(chain: JumpSpec[], s: HopSettings): string {
  return chain.map((j) => `${j.user ?? s.user}@${j.address}:${j.port}`).join(',');
}

/** Open a direct-tcpip stream to address:port through an established client. */
export function forward(via: Client, address: string, port: number, label: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    try {
      via.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
        if (err) reject(new Error(`${label} cannot reach ${address}:${port}: ${err.message}`));
        else resolve(stream);
      });
    } catch (e) {
      reject(new Error(`${label} cannot reach ${address}:${port}: ${(e as Error).message}`));
    }
  });
}

export class JumpHosts {
  private readonly clients = new Map<string, Promise<Client>>();

  /** How many bastion connections are open (or opening) now. */
  get size(): number {
    return this.clients.size;
  }

  /** The client of the last bastion in `chain`, connected through the ones before it. */
  client(chain: JumpSpec[], s: HopSettings): Promise<Client> {
    const key = hopKey(chain, s);
    const known = this.clients.get(key);
    if (known) return known;
    const last = chain[chain.length - 1];
    const user = last.user ?? s.user;
    const label = `bastion ${user}@${last.address}:${last.port}`;
    const p = (async () => {
      const sock = chain.length > 1 ? await forward(await this.client(chain.slice(0, -1), s), last.address, last.port, `bastion ${hopKey(chain.slice(0, -1), s)}`) : undefined;
      const c = await openClient({
        ...s,
        label,
        address: last.address,
        port: last.port,
        user,
        // a bastion gets keys and agent, never the target's password
        privateKeyFile: last.privateKeyFile ?? s.privateKeyFile,
        sock,
      });
      const forget = () => {
        if (this.clients.get(key) === p) this.clients.delete(key);
      };
      c.on('close', forget);
      c.on('error', () => undefined);
      return c;
    })();
    this.clients.set(key, p);
    p.catch(() => {
      if (this.clients.get(key) === p) this.clients.delete(key);
    });
    return p;
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((p) => p.then((c) => c.end(), () => undefined)));
  }
}
