// The lab repository's signing key: an OpenPGP key made once per machine with the real gpg
// (Debian's gnupg) and kept in the cache, so hosts verify the repository the way real nodes verify
// pkgs.k8s.io: `signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg` (a dearmored public key).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface SigningKey {
  /** GNUPGHOME holding the secret key (0700, machine cache) */
  home: string;
  fingerprint: string;
  /** the public key, binary (what `gpg --dearmor` of a Release.key gives) */
  keyring: string;
}

const USER_ID = 'tsplay lab Kubernetes packages <kube-lab@tsplay.invalid>';

/** The key under `<dir>/gnupg`, made on first use (several processes may race: one wins). */
export async function signingKey(dir: string): Promise<SigningKey> {
  const home = join(dir, 'gnupg');
  const keyring = join(dir, 'kubernetes-apt-keyring.gpg');
  if (!existsSync(join(home, 'fingerprint'))) {
    await mkdir(dir, { recursive: true });
    const tmp = await mkdtemp(join(dir, '.gnupg-'));
    try {
      await gpg(tmp, ['--quick-generate-key', USER_ID, 'ed25519', 'sign', 'never']);
      const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(await gpg(tmp, ['--with-colons', '--list-secret-keys']))?.[1];
      if (!fpr) throw new Error('gpg made a key but lists no fingerprint');
      await writeFile(join(tmp, 'fingerprint'), fpr + '\n');
      await exec('gpg', ['--homedir', tmp, '--batch', '--export', '--output', join(tmp, 'public.gpg'), fpr]);
      await stopAgent(tmp);
      await rename(tmp, home).catch(async (e: unknown) => {
        if (!existsSync(join(home, 'fingerprint'))) throw e; // another process made it first: use theirs
      });
    } finally {
      await stopAgent(tmp).catch(() => undefined);
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const fingerprint = (await readFile(join(home, 'fingerprint'), 'utf8')).trim();
  if (!existsSync(keyring)) {
    await writeFile(`${keyring}.${process.pid}`, await readFile(join(home, 'public.gpg')), { mode: 0o644 });
    await rename(`${keyring}.${process.pid}`, keyring);
  }
  return { home, fingerprint, keyring };
}

/** Writes InRelease (clearsigned) and Release.gpg (detached) beside `release`. */
export async function signRelease(key: SigningKey, release: string, dir: string): Promise<void> {
  // each signing gets its own copy of the home: gpg's agent and lock files are per home, and
  // several test processes may sign at once; a short path, for gpg-agent's socket (108 bytes max)
  const home = await mkdtemp(join(tmpdir(), 'tsplay-gpg-'));
  try {
    await exec('cp', ['-a', `${key.home}/.`, home]);
    await gpg(home, ['--local-user', key.fingerprint, '--clearsign', '--output', join(dir, 'InRelease'), release]);
    await gpg(home, ['--local-user', key.fingerprint, '--armor', '--detach-sign', '--output', join(dir, 'Release.gpg'), release]);
  } finally {
    await stopAgent(home).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

async function gpg(home: string, args: string[]): Promise<string> {
  try {
    const r = await exec('gpg', ['--homedir', home, '--batch', '--yes', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
    return r.stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error("gpg is not installed: install Debian's gnupg (apt-get install gnupg)");
    throw new Error(`gpg ${args[0]} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** gpg starts an agent per home; it must not outlive the build (nothing of the lab may linger). */
async function stopAgent(home: string): Promise<void> {
  await exec('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
}
