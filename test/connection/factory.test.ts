import { expect } from 'chai';
import { connectionFor, ConnectionPool } from '../../lib/connection/factory.js';
import { LocalConnection } from '../../lib/connection/local.js';
import { SshConnection } from '../../lib/connection/ssh.js';

// Which transport a host gets, decided like Ansible: by ansible_connection (the implicit
// localhost gets ansible_connection=local from the inventory layer), never by the name.

describe('connectionFor / ConnectionPool', () => {
  const cases: { host: string; vars: Record<string, unknown>; want: 'local' | 'ssh' }[] = [
    { host: 'localhost', vars: {}, want: 'ssh' },
    { host: '127.0.0.1', vars: {}, want: 'ssh' },
    { host: 'localhost', vars: { ansible_connection: 'local' }, want: 'local' },
    { host: 'k1-node01', vars: { ansible_connection: 'local' }, want: 'local' },
    { host: 'k1-node01', vars: {}, want: 'ssh' },
    { host: 'localhost', vars: { ansible_connection: 'ssh' }, want: 'ssh' },
    { host: 'k1-node01', vars: { ansible_connection: 'ssh', ansible_host: '127.0.10.4' }, want: 'ssh' },
  ];
  for (const c of cases) {
    it(`${c.host} ${JSON.stringify(c.vars)} → ${c.want}`, async () => {
      const conn = connectionFor(c.host, c.vars, {});
      expect(conn).to.be.instanceOf(c.want === 'local' ? LocalConnection : SshConnection);
      expect(conn.host).to.equal(c.host);
      await conn.close();
    });
  }

  it('refuses an unsupported ansible_connection, naming the host', () => {
    expect(() => connectionFor('win1', { ansible_connection: 'winrm' }, {})).to.throw(/win1: ansible_connection 'winrm' is not supported \(use ssh or local\)/);
  });

  it('the pool gives one connection per host and closes them all', async () => {
    const pool = new ConnectionPool({ hostKeyChecking: 'strict' });
    const a = pool.get('k1-node01', { ansible_host: '127.0.77.99' });
    expect(pool.get('k1-node01', { ansible_host: '127.0.77.99' })).to.equal(a);
    expect(pool.get('k1-node02', {})).to.not.equal(a);
    const local = pool.get('localhost', { ansible_connection: 'local' });
    expect((await local.exec('echo hi')).stdout).to.equal('hi\n');
    await pool.closeAll();
    expect(pool.get('k1-node01', {})).to.not.equal(a); // a fresh run starts over
    await pool.closeAll();
  });
});
