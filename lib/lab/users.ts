// Extra users inside every lab host (e.g. a non-root `ops` with sudo, for become tests). They are
// created by a script that the host's boot runs inside its chroot before sshd starts: useradd,
// chpasswd and sudoers then behave exactly as on a real machine. The script is idempotent, so a
// restarted host re-runs it harmlessly. Passwords are hashed here (SHA-512 crypt) and never
// appear in a command line or in output.
import { shq } from '../util/shell.js';
import { LabError } from './errors.js';
import { run } from './proc.js';

export interface LabUser {
  name: string;
  /** sudo password (SSH logins to lab hosts are key-only: the lab's sshd allows no passwords) */
  password?: string;
  /** 'password': sudo asks for the password; 'nopasswd': sudo without one; omitted: no sudo rights */
  sudo?: 'password' | 'nopasswd';
  /** authorized_keys line; default: the lab's client public key; false: no key */
  authorizedKey?: string | false;
  /** login shell; default /bin/bash */
  shell?: string;
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function checkUsers(users: LabUser[]): void {
  const seen = new Set<string>();
  for (const u of users) {
    if (!USER_NAME.test(u.name) || u.name === 'root')
      throw new LabError(`lab user '${u.name}': use a lower-case login name such as 'ops' (not root)`);
    if (seen.has(u.name)) throw new LabError(`lab user '${u.name}' is listed twice`);
    seen.add(u.name);
    if (u.sudo === 'password' && !u.password)
      throw new LabError(`lab user '${u.name}': sudo: 'password' needs a password`);
  }
}

async function hashPassword(password: string): Promise<string> {
  return (await run('openssl', ['passwd', '-6', '-stdin'], password + '\n')).trim();
}

/** The shell script (run with `chroot <host root> /bin/sh -s`) that creates `users`. */
export async function usersSetupScript(users: LabUser[], labPublicKey: string): Promise<string> {
  const lines = ['set -eu', 'umask 022'];
  for (const u of users) {
    const n = shq(u.name);
    const hash = u.password ? await hashPassword(u.password) : '*';
    const key = u.authorizedKey === undefined ? labPublicKey : u.authorizedKey;
    lines.push(
      `id -u ${n} >/dev/null 2>&1 || useradd -m -U -s ${shq(u.shell ?? '/bin/bash')} ${n}`,
      `printf '%s\\n' ${shq(`${u.name}:${hash}`)} | chpasswd -e`,
      `home=$(getent passwd ${n} | cut -d: -f6)`,
      `install -d -m 700 -o ${n} -g "$(id -g ${n})" "$home/.ssh"`,
    );
    if (key) {
      lines.push(
        `printf '%s\\n' ${shq(key)} > "$home/.ssh/authorized_keys"`,
        `chown ${n}:"$(id -g ${n})" "$home/.ssh/authorized_keys"`,
        `chmod 600 "$home/.ssh/authorized_keys"`,
      );
    }
    const sudoers = `/etc/sudoers.d/tsplay-lab-${u.name}`;
    if (u.sudo) {
      const rule = `${u.name} ALL=(ALL:ALL) ${u.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL`;
      lines.push(`printf '%s\\n' ${shq(rule)} > ${shq(sudoers)}`, `chmod 440 ${shq(sudoers)}`);
    } else {
      lines.push(`rm -f ${shq(sudoers)}`);
    }
  }
  return lines.join('\n') + '\n';
}
