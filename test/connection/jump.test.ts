import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionPool } from '../../lib/connection/factory.js';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import { UnreachableError } from '../../lib/connection/types.js';
import { createTestUsers, startSshd, stopAllSshd, type Sshd, type TestUsers } from '../helpers/sshd.js';

// Hosts behind a bastion: a second real sshd forwards the target's TCP stream (ProxyJump with
// no ssh binary). The bastion's own log proves the connection went through it.

describe('SSH through a bastion (ProxyJump / kubespray ProxyCommand)', function () {
  this.timeout(60_000);
  let bastion: Sshd;
  let t1: Sshd;
  let t2: Sshd;
  let closed: Sshd;
  let users: TestUsers;
  let dir: string;
  let knownHosts: string;
  const pools: ConnectionPool[] = [];
  const conns: SshConnection[] = [];

  before(async () => {
    users = createTestUsers();
    bastion = await startSshd({ address: '127.0.77.40', allowTcpForwarding: true, logLevel: 'DEBUG1' });
    t1 = await startSshd({ address: '127.0.77.41', clientKeyFile: bastion.clientKeyFile });
    t2 = await startSshd({ address: '127.0.77.42', clientKeyFile: bastion.clientKeyFile });
    closed = await startSshd({ address: '127.0.77.43', clientKeyFile: bastion.clientKeyFile }); // forwarding off
    dir = mkdtempSync(join(tmpdir(), 'tsplay-jump-'));
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, [bastion, t1, t2, closed].map((s) => s.knownHostsLine).join('\n') + '\n');
  });
  after(async () => {
    await Promise.allSettled([...pools.map((p) => p.closeAll()), ...conns.map((c) => c.close())]);
    await stopAllSshd();
    users?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const forwardsTo = (s: Sshd) => (bastion.log().match(new RegExp(`server_request_direct_tcpip: .* target ${s.address.replace(/\./g, '\\.')} port ${s.port}$`, 'gm')) ?? []).length;

  const vars = (target: Sshd, commonArgs: string) => ({
    ansible_host: target.address,
    ansible_port: target.port,
    ansible_user: users.nopwUser,
    ansible_ssh_private_key_file: bastion.clientKeyFile,
    ansible_ssh_common_args: commonArgs,
  });

  const forms: [string, (b: Sshd) => string][] = [
    ['-o ProxyJump=user@host:port', (b) => `-o ProxyJump=${users.nopwUser}@${b.address}:${b.port}`],
    ['-J user@host:port', (b) => `-J ${users.nopwUser}@${b.address}:${b.port}`],
    ["kubespray's -o ProxyCommand=\"ssh -W %h:%p ...\"", (b) => `-o ProxyCommand="ssh -o StrictHostKeyChecking=no -W %h:%p -p ${b.port} ${users.nopwUser}@${b.address}"`],
  ];
  for (const [what, args] of forms) {
    it(`reaches the target through the bastion with ${what}`, async () => {
      const before = forwardsTo(t1);
      const c = new SshConnection({ ...sshOptionsFromVars('k1-node01', vars(t1, args(bastion)), { knownHostsFile: knownHosts, hostKeyChecking: 'strict' }), agentSocket: undefined });
      conns.push(c);
      const r = await c.exec('echo "$SSH_CONNECTION"');
      // the target sees the connection arrive on its own address and port ...
      expect(r.stdout.trim().split(' ').slice(2)).to.deep.equal([t1.address, String(t1.port)]);
      // ... and the bastion's sshd was asked to forward to exactly that address and port
      expect(forwardsTo(t1) - before).to.equal(1);
    });
  }

  it('hosts behind the same bastion share one bastion connection', async () => {
    const pool = new ConnectionPool({ knownHostsFile: knownHosts });
    pools.push(pool);
    const before = bastion.connectionsSeen();
    const args = `-o ProxyJump=${users.nopwUser}@${bastion.address}:${bastion.port}`;
    const a = pool.get('k1-node01', vars(t1, args));
    const b = pool.get('k1-node02', vars(t2, args));
    const rs = await Promise.all([a.exec('echo a'), b.exec('echo b'), a.exec('echo a2'), b.exec('echo b2')]);
    expect(rs.map((r) => r.stdout.trim())).to.deep.equal(['a', 'b', 'a2', 'b2']);
    expect(bastion.connectionsSeen() - before).to.equal(1);
    expect(pool.get('k1-node01', {})).to.equal(a);
  });

  it('a bastion that refuses forwarding makes the target unreachable, naming the bastion', async () => {
    const c = new SshConnection({
      ...sshOptionsFromVars('k1-node03', vars(t1, `-J ${users.nopwUser}@${closed.address}:${closed.port}`), { knownHostsFile: knownHosts }),
      agentSocket: undefined,
    });
    conns.push(c);
    let err: Error | undefined;
    await c.exec('true').catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(UnreachableError);
    expect(err!.message).to.match(new RegExp(`^k1-node03 \\(${t1.address}:${t1.port} via ${users.nopwUser}@${closed.address}:${closed.port}\\): bastion ${closed.address} cannot reach ${t1.address}:${t1.port}`));
  });

  it('an unknown bastion host key is refused under strict checking', async () => {
    const only = join(dir, 'targets-only');
    writeFileSync(only, t1.knownHostsLine + '\n');
    const c = new SshConnection({ ...sshOptionsFromVars('k1-node04', vars(t1, `-J ${users.nopwUser}@${bastion.address}:${bastion.port}`), { knownHostsFile: only }), agentSocket: undefined });
    conns.push(c);
    let err: Error | undefined;
    await c.exec('true').catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(UnreachableError);
    expect(err!.message).to.include(`bastion ${users.nopwUser}@${bastion.address}:${bastion.port}: host key is not known`);
  });
});
