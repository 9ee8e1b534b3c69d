import { expect } from 'chai';
import { withEnvironment } from '../../lib/connection/environment.js';
import { useSshd } from '../helpers/sshd-fixture.js';

// A task's `environment` reaches every command its module runs over SSH, also through sudo, and
// does not stay behind in the persistent shell for the next command.

describe('task environment over SSH', () => {
  const fx = useSshd({ tag: 'env', address: '127.0.29.50', scratchMode: 0o755 });

  it('is given to each command (become too), a module\'s own env wins, and nothing leaks to the next command', async () => {
    const conn = fx.connect();
    const env = withEnvironment(conn, { http_proxy: "http://proxy:3128/a b'c", A: 'task' });
    expect((await env.exec('printf "%s|%s" "$http_proxy" "$A"')).stdout).to.equal("http://proxy:3128/a b'c|task");
    expect((await env.exec('printf "%s|%s" "$A" "$(id -un)"', { become: { user: 'root' } })).stdout).to.equal('task|root');
    expect((await env.exec('printf "%s" "$A"', { env: { A: 'module' } })).stdout).to.equal('module');
    expect((await conn.exec('printf "%s" "${A-unset}"')).stdout).to.equal('unset');
  });
});
