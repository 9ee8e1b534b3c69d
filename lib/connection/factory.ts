import type { Connection } from './types.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { JumpHosts } from './ssh/jump.js';
import { sshOptionsFromVars, type SshCliOptions } from './ssh/options.js';

export type { SshCliOptions } from './ssh/options.js';

export type ConnectionType = 'local' | 'ssh';

export interface ConnectionCliOptions extends SshCliOptions {
  /** `-c`: the connection of hosts without ansible_connection (default ssh) */
  connection?: ConnectionType;
}

/** ansible_connection's value as a connection type; undefined when it is not set. */
export function parseConnectionType(c: unknown, where: string): ConnectionType | undefined {
  if (c === undefined || c === null || c === '') return undefined;
  if (c === 'local') return 'local';
  if (c === 'ssh' || c === 'paramiko' || c === 'smart') return 'ssh';
  throw new Error(`${where}: ansible_connection '${String(c)}' is not supported (use ssh or local)`);
}

/**
 * The connection for one host: ansible_connection, else `-c`, else SSH, as in Ansible. The name
 * alone never makes a host local: an inventory host called localhost or 127.0.0.1 (maybe with an
 * ansible_host elsewhere) connects over SSH like any other. Only the implicit localhost (a pattern
 * naming localhost that the inventory lacks) is local, and it gets ansible_connection=local from
 * the inventory layer (hostVarLayers), not from here.
 */
export function connectionFor(host: string, vars: Record<string, unknown>, cli: ConnectionCliOptions, shared: { jumps?: JumpHosts } = {}): Connection {
  const type = parseConnectionType(vars.ansible_connection, host) ?? cli.connection ?? 'ssh';
  if (type === 'local') return new LocalConnection(host);
  return new SshConnection(sshOptionsFromVars(host, vars, cli), shared);
}

/** One connection per host for the whole run; hosts behind the same bastion share its connection. */
export class ConnectionPool {
  private readonly conns = new Map<string, Connection>();
  private readonly jumps = new JumpHosts();

  constructor(private readonly cli: ConnectionCliOptions = {}) {}

  get(host: string, vars: Record<string, unknown>): Connection {
    let c = this.conns.get(host);
    if (!c) {
      c = connectionFor(host, vars, this.cli, { jumps: this.jumps });
      this.conns.set(host, c);
    }
    return c;
  }

  /** `interrupted`: Ctrl-C — first end the commands still running on the hosts (SSH). */
  async closeAll(interrupted = false): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.allSettled(all.map((c) => (interrupted && c instanceof SshConnection ? c.interrupt() : c.close())));
    await this.jumps.closeAll();
  }
}
