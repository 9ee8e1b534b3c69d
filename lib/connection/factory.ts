import { LOCALHOST } from '../inventory/patterns.js';
import type { Connection } from './types.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { JumpHosts } from './ssh/jump.js';
import { sshOptionsFromVars, type SshCliOptions } from './ssh/options.js';

export type { SshCliOptions } from './ssh/options.js';

function connectionType(host: string, vars: Record<string, unknown>): 'local' | 'ssh' {
  const c = vars.ansible_connection;
  if (c === undefined || c === null || c === '') return LOCALHOST.includes(host) ? 'local' : 'ssh';
  if (c === 'local') return 'local';
  if (c === 'ssh' || c === 'paramiko' || c === 'smart') return 'ssh';
  throw new Error(`${host}: ansible_connection '${String(c)}' is not supported (use ssh or local)`);
}

/**
 * The connection for one host: local for ansible_connection=local and, like Ansible's implicit
 * localhost, for localhost/127.0.0.1 without ansible_connection; SSH otherwise.
 */
export function connectionFor(host: string, vars: Record<string, unknown>, cli: SshCliOptions, shared: { jumps?: JumpHosts } = {}): Connection {
  if (connectionType(host, vars) === 'local') return new LocalConnection(host);
  return new SshConnection(sshOptionsFromVars(host, vars, cli), shared);
}

/** One connection per host for the whole run; hosts behind the same bastion share its connection. */
export class ConnectionPool {
  private readonly conns = new Map<string, Connection>();
  private readonly jumps = new JumpHosts();

  constructor(private readonly cli: SshCliOptions = {}) {}

  get(host: string, vars: Record<string, unknown>): Connection {
    let c = this.conns.get(host);
    if (!c) {
      c = connectionFor(host, vars, this.cli, { jumps: this.jumps });
      this.conns.set(host, c);
    }
    return c;
  }

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.allSettled(all.map((c) => c.close()));
    await this.jumps.closeAll();
  }
}
