// One INI/YAML host entry (host, host:port, ranges, IPv6) and the port variables, checked where
// they are written. The messages here are the ones bad-input.test.ts shows in file:line errors
// next to what ansible-inventory does with the same text.
import { expect } from 'chai';
import { checkHostEntry, checkVar } from '../../lib/inventory/hostentry.js';
import { LineProblem } from '../../lib/inventory/errors.js';

const problem = (fn: () => unknown): { message: string; fix: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof LineProblem) return { message: e.message, fix: e.fix };
    throw e;
  }
  throw new Error('no LineProblem');
};

describe('INI host entries', () => {
  const accepted: Array<[string, { hosts: string[]; port?: number }]> = [
    ['h', { hosts: ['h'] }],
    ['h:22', { hosts: ['h'], port: 22 }],
    ['h:1', { hosts: ['h'], port: 1 }],
    ['h:65535', { hosts: ['h'], port: 65535 }],
    ['[::1]:22', { hosts: ['::1'], port: 22 }],
    ['::1', { hosts: ['::1'] }],
    ['fe80::1:22', { hosts: ['fe80::1:22'] }], // an IPv6 address: the last group is not a port
    ['h[1:2]:2222', { hosts: ['h1', 'h2'], port: 2222 }],
    ['a:b:c', { hosts: ['a:b:c'] }],
  ];
  for (const [entry, want] of accepted) it(`${entry} is ${JSON.stringify(want)}`, () => expect(checkHostEntry(entry)).to.deep.equal({ port: undefined, ...want }));

  const refused: Array<[string, string, string]> = [
    ['h:', "host 'h:' ends in ':' without a port", "write host:PORT with a number, or remove the ':'"],
    ['h :', "host 'h :' ends in ':' without a port", "write host:PORT with a number, or remove the ':'"],
    ['10.0.0.1:', "host '10.0.0.1:' ends in ':' without a port", "write host:PORT with a number, or remove the ':'"],
    ['h:0', "invalid port 0 in 'h:0'", 'use a port between 1 and 65535'],
    ['h:65536', "invalid port 65536 in 'h:65536'", 'use a port between 1 and 65535'],
    ['127.0.0.1:abc', "invalid port 'abc' in '127.0.0.1:abc'", 'write host:PORT with a number between 1 and 65535'],
    ['10.0.0.1:22x', "invalid port '22x' in '10.0.0.1:22x'", 'write host:PORT with a number between 1 and 65535'],
    ['web:abc', "invalid port 'abc' in 'web:abc'", 'write host:PORT with a number between 1 and 65535'],
    ['---', "invalid host '---': '---' is normally a sign this is a YAML file", 'give the file a .yml or .yaml extension'],
    [' --- ', "invalid host ' --- ': '---' is normally a sign this is a YAML file", 'give the file a .yml or .yaml extension'],
  ];
  for (const [entry, message, fix] of refused) {
    it(`${JSON.stringify(entry)} is refused: ${message}`, () => expect(problem(() => checkHostEntry(entry))).to.deep.equal({ message, fix }));
  }
});

describe('port variables written in an inventory', () => {
  const ok: Array<[string, unknown]> = [
    ['ansible_port', '22'], ['ansible_port', ' 22 '], ['ansible_port', '1'], ['ansible_port', '65535'], ['ansible_port', 22],
    ['ansible_port', '{{ base_port + 1 }}'], ['other_port', 'abc'], ['ansible_host', 'h:22'],
  ];
  for (const [key, value] of ok) it(`${key}=${JSON.stringify(value)} is accepted`, () => expect(() => checkVar(key, value)).to.not.throw());

  const bad: Array<[string, unknown]> = [
    ['ansible_port', '0'], ['ansible_port', '65536'], ['ansible_port', 22.5], ['ansible_port', 'abc'], ['ansible_port', 0],
    ['ansible_port', 70000], ['ansible_port', true], ['ansible_port', '2 2'], ['ansible_ssh_port', 'abc'], ['ansible_ssh_port', '0'],
  ];
  for (const [key, value] of bad) {
    it(`${key}=${JSON.stringify(value)} is not a port`, () => {
      expect(problem(() => checkVar(key, value))).to.deep.equal({ message: `${key}=${JSON.stringify(value)} is not a port`, fix: 'give a whole number between 1 and 65535' });
    });
  }
});
