import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnection, sshOptionsFromVars } from '../../lib/connection/ssh.js';
import type { SshCliOptions, SshOptions } from '../../lib/connection/ssh.js';
import { createTestUsers, startSshd, stopAllSshd, type Sshd, type SshdOptions, type TestUsers } from './sshd.js';

// One sshd, the test users and a scratch dir for a describe(), all removed after it (also when
// it failed), with SshConnections to that sshd that are closed after it too.

export interface SshdFixture {
  readonly sshd: Sshd;
  readonly users: TestUsers;
  /** a temp dir the test users may work below */
  readonly scratch: string;
  /** a connection as the NOPASSWD user with the sshd's client key, no agent unless given */
  connect(vars?: Record<string, unknown>, cli?: SshCliOptions, extra?: Partial<SshOptions>, target?: Sshd): SshConnection;
}

export function useSshd(opts: SshdOptions & { tag: string; scratchMode: number; vars?: Record<string, unknown> }): SshdFixture {
  const { tag, scratchMode, vars: baseVars, ...sshdOpts } = opts;
  const conns: SshConnection[] = [];
  const fx: { -readonly [K in keyof SshdFixture]: SshdFixture[K] } = {
    sshd: undefined as unknown as Sshd,
    users: undefined as unknown as TestUsers,
    scratch: '',
    connect(vars: Record<string, unknown> = {}, cli: SshCliOptions = {}, extra: Partial<SshOptions> = {}, target: Sshd = fx.sshd): SshConnection {
      const o = sshOptionsFromVars(
        't1',
        { ansible_host: target.address, ansible_port: target.port, ansible_user: fx.users.nopwUser, ansible_ssh_private_key_file: target.clientKeyFile, ...baseVars, ...vars },
        { knownHostsFile: target.knownHostsFile, ...cli },
      );
      const c = new SshConnection({ ...o, agentSocket: undefined, ...extra });
      conns.push(c);
      return c;
    },
  };
  before(async () => {
    fx.users = createTestUsers();
    fx.sshd = await startSshd(sshdOpts);
    fx.scratch = mkdtempSync(join(tmpdir(), `tsplay-${tag}-test-`));
    chmodSync(fx.scratch, scratchMode);
  });
  after(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
    await stopAllSshd();
    fx.users?.remove();
    if (fx.scratch) rmSync(fx.scratch, { recursive: true, force: true });
  });
  return fx;
}
