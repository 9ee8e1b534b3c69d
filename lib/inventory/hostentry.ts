// One host entry of an INI line or a YAML `hosts:` key, checked the way the INI plugin checks it,
// plus port checks Ansible lacks (it would silently make a host literally named "web:abc").
import { LineProblem } from './errors.js';
import { expandHostPattern, parseAddress } from './ranges.js';

export function checkHostEntry(entry: string): { hosts: string[]; port?: number } {
  const { hosts, port } = expandHostPattern(entry);
  if (entry.trim().endsWith(':') && port === undefined) {
    throw new LineProblem(`host '${entry}' ends in ':' without a port`, "write host:PORT with a number, or remove the ':'");
  }
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new LineProblem(`invalid port ${port} in '${entry}'`, 'use a port between 1 and 65535');
  }
  const colon = /^((?:[^:[\]]|\[[^\]]*\])+):([^:\]]*)$/.exec(entry);
  if (port === undefined && colon && parseAddress(colon[1].replace(/^\[(.*)\]$/, '$1')) && !/^[0-9]+$/.test(colon[2])) {
    throw new LineProblem(`invalid port '${colon[2]}' in '${entry}'`, 'write host:PORT with a number between 1 and 65535');
  }
  for (const h of hosts) {
    if (h.trim() === '---') throw new LineProblem(`invalid host '${entry}': '---' is normally a sign this is a YAML file`, 'give the file a .yml or .yaml extension');
  }
  return { hosts, port };
}

const PORT_VARS = ['ansible_port', 'ansible_ssh_port'];

/**
 * A port written in an inventory (`ansible_port=abc`) is checked where it is written, so the
 * error names that file:line at load time instead of failing host by host when connecting.
 * A Jinja value ('{{ base_port + 1 }}') is left to run time.
 */
export function checkVar(key: string, value: unknown): void {
  if (!PORT_VARS.includes(key)) return;
  if (typeof value === 'string' && value.includes('{{')) return;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new LineProblem(`${key}=${JSON.stringify(value)} is not a port`, 'give a whole number between 1 and 65535');
  }
}
