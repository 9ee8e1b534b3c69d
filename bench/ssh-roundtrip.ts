// Micro-benchmark (not a test): ms per exec round trip over one SSH connection on loopback, with
// N commands in flight at once, plus put/get of 1 MB. Needs root (starts its own sshd and a
// throw-away sudo user, both removed at the end).
//   npx tsx bench/ssh-roundtrip.ts [execs per level, default 200] [levels, default 1,4,8,16]
import { randomBytes } from 'node:crypto';
import { SshConnection, sshOptionsFromVars } from '../lib/connection/ssh.js';
import { createTestUsers, startSshd } from '../test/helpers/sshd.js';

const total = Number(process.argv[2] ?? 200);
const levels = (process.argv[3] ?? '1,4,8,16').split(',').map(Number);

async function main(): Promise<void> {
  const users = createTestUsers();
  const sshd = await startSshd({ address: '127.0.77.200' });
  try {
    const c = new SshConnection(
      sshOptionsFromVars('bench', { ansible_host: sshd.address, ansible_port: sshd.port, ansible_user: users.nopwUser, ansible_ssh_private_key_file: sshd.clientKeyFile }, { knownHostsFile: sshd.knownHostsFile }),
    );
    let t = performance.now();
    await c.exec('true');
    console.log(`connect + first exec: ${(performance.now() - t).toFixed(1)} ms`);
    for (const n of levels) {
      let next = 0;
      t = performance.now();
      await Promise.all(
        Array.from({ length: n }, async () => {
          while (next++ < total) await c.exec('true');
        }),
      );
      const ms = performance.now() - t;
      console.log(`${String(n).padStart(3)} in flight: ${(ms / total).toFixed(2)} ms per exec (${total} execs, ${(total / (ms / 1000)).toFixed(0)}/s)`);
    }
    const mb = randomBytes(1024 * 1024);
    const path = `/tmp/tsplay-bench-${process.pid}`;
    t = performance.now();
    await c.put(path, mb);
    console.log(`put 1 MB: ${(performance.now() - t).toFixed(1)} ms`);
    t = performance.now();
    const back = await c.get(path);
    console.log(`get 1 MB (exec + base64): ${(performance.now() - t).toFixed(1)} ms, ${back.equals(mb) ? 'identical' : 'DIFFERENT'}`);
    await c.exec(`rm -f ${path}`);
    await c.close();
  } finally {
    await sshd.stop();
    users.remove();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
