// -vvv and -vvvv, as ansible-playbook uses them: connection detail. At -vvv each host's
// connection is announced once with what it uses (user, address, port, key, known_hosts, host key
// policy, jump hosts), Ansible's "<host> ESTABLISH SSH CONNECTION FOR USER: ..." line; at -vvvv
// every command sent to a host is shown too ("<host> EXEC ..."), cut to one line. The reporter
// masks known secrets in these lines as in all others.
import { userInfo } from 'node:os';
import { ConnectionPool, type ConnectionCliOptions } from '../connection/factory.js';
import { sshOptionsFromVars } from '../connection/ssh.js';
import type { Connection } from '../connection/types.js';
import type { Reporter } from '../report/index.js';

const EXEC_SHOWN = 300;

export class VerbosePool extends ConnectionPool {
  private readonly seen = new Set<string>();

  constructor(private readonly opts: ConnectionCliOptions, private readonly reporter: Pick<Reporter, 'emit'>, private readonly verbosity: number) {
    super(opts);
  }

  override get(host: string, vars: Record<string, unknown>): Connection {
    const conn = super.get(host, vars);
    if (this.seen.has(host)) return conn;
    this.seen.add(host);
    this.reporter.emit({ type: 'log', message: establishLine(host, vars, this.opts) });
    if (this.verbosity >= 4) {
      const exec = conn.exec.bind(conn);
      conn.exec = (script, o) => {
        const one = script.replace(/\s*\n\s*/g, '; ');
        this.reporter.emit({ type: 'log', message: `<${host}> EXEC ${one.length > EXEC_SHOWN ? `${one.slice(0, EXEC_SHOWN)}... (${one.length} chars)` : one}${o?.become ? ' (become)' : ''}` });
        return exec(script, o);
      };
    }
    return conn;
  }
}

export function establishLine(host: string, vars: Record<string, unknown>, cli: ConnectionCliOptions): string {
  const type = vars.ansible_connection ?? cli.connection ?? 'ssh';
  if (type === 'local') return `<${host}> ESTABLISH LOCAL CONNECTION FOR USER: ${userInfo().username}`;
  try {
    const o = sshOptionsFromVars(host, vars, cli);
    const parts = [
      `to ${o.address}:${o.port}`,
      o.privateKeyFile ? `key ${o.privateKeyFile}` : 'agent/default keys',
      o.password !== undefined ? 'password auth' : undefined,
      `known_hosts ${o.knownHostsFile}`,
      `host key checking ${o.hostKeyChecking}`,
      `connect timeout ${o.connectTimeoutMs / 1000}s`,
      o.jumps.length ? `via ${o.jumps.map((j) => `${j.user ? `${j.user}@` : ''}${j.address}:${j.port}`).join(' -> ')}` : undefined,
    ].filter(Boolean);
    return `<${host}> ESTABLISH SSH CONNECTION FOR USER: ${o.user} (${parts.join(', ')})`;
  } catch (e) {
    return `<${host}> ESTABLISH SSH CONNECTION: ${(e as Error).message}`;
  }
}
