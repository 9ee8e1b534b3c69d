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
