// Checks made before the lab touches anything: root, loopback-only addresses, sane names/ports.
import { LabError } from './errors.js';
import type { LabHostSpec } from './host.js';
import { SYSTEM_DIRS } from './isolation.js';

export function isLoopbackV4(address: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  return !!m && m.slice(1).every((o) => Number(o) <= 255) && Number(m[1]) === 127;
}

export function loopbackError(host: string, label: string, address: string): LabError {
  return new LabError(`${host}: ${label} ${address} is outside 127.0.0.0/8; the lab only uses loopback addresses`);
}

export function checkRoot(getuid: () => number = () => process.getuid?.() ?? -1): void {
  if (getuid() !== 0)
    throw new LabError('tsplay lab needs root (it creates mount and PID namespaces); run it with sudo');
}

// a host name becomes a hostname, a directory name and a mount source: keep it simple
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function normalizeSpecs(hosts: LabHostSpec[]): Required<LabHostSpec>[] {
  const byName = new Set<string>();
  const byEndpoint = new Map<string, string>();
  return hosts.map((h) => {
    if (!HOST_NAME.test(h.name) || h.name === '.' || h.name === '..')
      throw new LabError(`lab host '${h.name}': use letters, digits, '.', '_' and '-' (at most 63) in lab host names`);
    if (byName.has(h.name)) throw new LabError(`${h.name}: listed twice`);
    byName.add(h.name);
    if (!isLoopbackV4(h.address)) throw loopbackError(h.name, 'address', h.address);
    const port = h.port ?? 22;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new LabError(`${h.name}: port ${String(h.port)} is not a TCP port (1-65535)`);
    const endpoint = `${h.address}:${port}`;
    const other = byEndpoint.get(endpoint);
    if (other) throw new LabError(`${h.name}: ${endpoint} is already used by lab host ${other}; give each host its own address`);
    byEndpoint.set(endpoint, h.name);
    return { name: h.name, address: h.address, port };
  });
}

/** The state dir ends up in overlay mount options, where ',', ':' and spaces cannot be written. */
export function checkStateDir(stateDir: string): void {
  // the state dir is hidden from every host: a system directory would hide what hosts run on
  if (SYSTEM_DIRS.has(stateDir)) throw new LabError(`lab state dir: '${stateDir}' cannot be a state dir; use a directory of its own`);
  if (!/^\/[A-Za-z0-9_\/.@+-]*$/.test(stateDir))
    throw new LabError(
      `lab state dir ${stateDir}: use a path of letters, digits and '/._@+-' (overlay mount options cannot hold ',', ':' or spaces)`,
    );
}
