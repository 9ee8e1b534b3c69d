import { expect } from 'chai';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sshOptionsFromVars } from '../../lib/connection/ssh.js';
import type { SshOptions } from '../../lib/connection/ssh.js';

// Inventory vars as Ansible and kubespray inventories write them → what tsplay connects to.

describe('sshOptionsFromVars (Ansible inventory vars)', () => {
  const cases: { what: string; vars: Record<string, unknown>; cli?: object; want: Partial<SshOptions> }[] = [
    {
      what: 'defaults: inventory name, port 22, current user, strict, 10 s, 8 channels',
      vars: {},
      want: { address: 'k1-node01', port: 22, user: userInfo().username, hostKeyChecking: 'strict', connectTimeoutMs: 10_000, maxChannels: 8, jumps: [], knownHostsFile: join(homedir(), '.ssh/known_hosts') },
    },
    {
      what: 'ansible_host, ansible_port as INI string, ansible_user, key file with ~',
      vars: { ansible_host: '127.0.10.4', ansible_port: '2222', ansible_user: 'ops', ansible_ssh_private_key_file: '~/.ssh/k1' },
      want: { address: '127.0.10.4', port: 2222, user: 'ops', privateKeyFile: join(homedir(), '.ssh/k1') },
    },
    { what: 'ansible_password', vars: { ansible_password: 's3cret' }, want: { password: 's3cret' } },
    { what: 'ansible_ssh_pass (old name)', vars: { ansible_ssh_pass: 's3cret' }, want: { password: 's3cret' } },
    {
      what: 'ansible_become with user and password',
      vars: { ansible_become: 'yes', ansible_become_user: 'postgres', ansible_become_password: 'bpw' },
      want: { become: { user: 'postgres', password: 'bpw' }, becomePassword: 'bpw' },
    },
    { what: 'ansible_become_pass (old name) without ansible_become', vars: { ansible_become_pass: 'bpw' }, want: { become: undefined, becomePassword: 'bpw' } },
    { what: 'ansible_become false', vars: { ansible_become: false }, want: { become: undefined } },
    { what: 'ansible_ssh_timeout in seconds', vars: { ansible_ssh_timeout: 3 }, want: { connectTimeoutMs: 3000 } },
    { what: 'ansible_timeout', vars: { ansible_timeout: '20' }, want: { connectTimeoutMs: 20_000 } },
    {
      what: '-o ProxyJump=user@host:port',
      vars: { ansible_ssh_common_args: '-o ProxyJump=jump@127.0.10.1:2200' },
      want: { jumps: [{ address: '127.0.10.1', port: 2200, user: 'jump', privateKeyFile: undefined }] },
    },
    {
      what: '-J with two hops',
      vars: { ansible_ssh_common_args: '-J a@127.0.10.1,127.0.10.2:2201' },
      want: { jumps: [{ address: '127.0.10.1', port: 22, user: 'a', privateKeyFile: undefined }, { address: '127.0.10.2', port: 2201, user: undefined, privateKeyFile: undefined }] },
    },
    {
      what: "kubespray's bastion ProxyCommand",
      vars: { ansible_ssh_common_args: `-o ProxyCommand="ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -W %h:%p -p 2200 ops@127.0.10.1 -i /keys/bastion"` },
      want: { jumps: [{ address: '127.0.10.1', port: 2200, user: 'ops', privateKeyFile: '/keys/bastion' }] },
    },
    {
      what: 'ProxyCommand in single quotes with -q',
      vars: { ansible_ssh_common_args: `-o 'ProxyCommand=ssh -W %h:%p -q ops@bastion1'` },
      want: { jumps: [{ address: 'bastion1', port: 22, user: 'ops', privateKeyFile: undefined }] },
    },
    { what: 'StrictHostKeyChecking=no in the args turns checking off', vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' }, want: { hostKeyChecking: 'off' } },
    { what: 'the command line wins over the args', vars: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' }, cli: { hostKeyChecking: 'strict' }, want: { hostKeyChecking: 'strict' } },
    { what: 'ansible_host_key_checking false', vars: { ansible_host_key_checking: 'False' }, want: { hostKeyChecking: 'off' } },
    { what: 'cli user and key when the inventory has none', vars: {}, cli: { user: 'deploy', privateKeyFile: '/k/id', connectTimeoutMs: 1500, maxChannels: 4 }, want: { user: 'deploy', privateKeyFile: '/k/id', connectTimeoutMs: 1500, maxChannels: 4 } },
    { what: 'inventory user wins over the cli user', vars: { ansible_user: 'ops' }, cli: { user: 'deploy' }, want: { user: 'ops' } },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const o = sshOptionsFromVars('k1-node01', c.vars, c.cli ?? {});
      for (const [k, v] of Object.entries(c.want)) expect(o[k as keyof SshOptions], k).to.deep.equal(v);
    });
  }

  const bad: { vars: Record<string, unknown>; msg: RegExp }[] = [
    { vars: { ansible_port: 'ssh' }, msg: /k1-node01: ansible_port 'ssh' must be a number/ },
    { vars: { ansible_port: 70000 }, msg: /ansible_port '70000'/ },
    { vars: { ansible_become: 'maybe' }, msg: /k1-node01: ansible_become 'maybe' is not a boolean/ },
    { vars: { ansible_become_method: 'su' }, msg: /ansible_become_method 'su' is not supported/ },
    { vars: { ansible_ssh_common_args: '-o ProxyCommand="nc -X 5 -x proxy:1080 %h %p"' }, msg: /k1-node01: ansible_ssh_common_args: ProxyCommand .* is not supported/ },
    { vars: { ansible_ssh_common_args: '-o "ProxyJump=a@b' }, msg: /No closing quotation/ },
  ];
  for (const b of bad) {
    it(`refuses ${JSON.stringify(b.vars)} with a message naming the host and variable`, () => {
      expect(() => sshOptionsFromVars('k1-node01', b.vars, {})).to.throw(b.msg);
    });
  }

  it('never puts a password into an error message', () => {
    try {
      sshOptionsFromVars('k1-node01', { ansible_password: 'hunter2-secret', ansible_port: 'x' }, {});
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).to.not.include('hunter2-secret');
    }
  });
});
