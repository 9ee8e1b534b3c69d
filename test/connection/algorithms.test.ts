import { expect } from 'chai';
import { UnreachableError } from '../../lib/connection/types.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { useSshd } from '../helpers/sshd-fixture.js';
import { rejection } from '../helpers/rejection.js';

// Issue 18: the client accepted `ssh-rsa` (SHA-1) host-key signatures and offered hmac-sha1.
// Real sshd processes offering only those must be refused with a message saying why; RSA host
// keys keep working with rsa-sha2-512/256 signatures.

describe('SSH client algorithms (real sshd)', () => {
  const fx = useSshd({ tag: 'algos', address: '127.0.77.51', scratchMode: 0o755 });
  let rsaOnlySha1: Sshd;
  let sha1Mac: Sshd;
  let rsa: Sshd;
  before(async () => {
    // each its own port on the fixture's address; the fixture's after() stops every sshd
    rsaOnlySha1 = await startSshd({ address: '127.0.77.51', hostKeyType: 'rsa', config: ['HostKeyAlgorithms ssh-rsa'] });
    sha1Mac = await startSshd({ address: '127.0.77.51', config: ['Ciphers aes128-ctr', 'MACs hmac-sha1'] });
    rsa = await startSshd({ address: '127.0.77.51', hostKeyType: 'rsa' });
  });

  it('refuses a host that signs its host key only with ssh-rsa (SHA-1), saying why', async () => {
    const e = await rejection(fx.connect({}, {}, {}, rsaOnlySha1).exec('true'));
    expect(e).to.be.instanceOf(UnreachableError);
    expect(e.message).to.match(/offers no host-key signature algorithm tsplay accepts \(ssh-ed25519, .*rsa-sha2-256; ssh-rsa is refused: its signatures use SHA-1\)/);
    expect(e.message).to.not.match(/\n\s+at /);
  });

  it('refuses a host that offers only hmac-sha1, saying why', async () => {
    const e = await rejection(fx.connect({}, {}, {}, sha1Mac).exec('true'));
    expect(e).to.be.instanceOf(UnreachableError);
    expect(e.message).to.match(/offers no MAC tsplay accepts \(hmac-sha2-256-etm@openssh.com, .*; hmac-sha1 is refused\)/);
  });

  // the client no longer offers ssh-rsa at all (first test), so this is rsa-sha2-512 or -256
  it('still connects to an RSA host key, with a SHA-2 signature', async () => {
    const c = fx.connect({}, {}, {}, rsa);
    expect((await c.exec('echo ok')).stdout).to.equal('ok\n');
  });

  it('still connects to an ordinary (ed25519) sshd', async () => {
    expect((await fx.connect().exec('echo ok')).stdout).to.equal('ok\n');
  });
});
