// `lab down`: stop every host by pid, make sure no mount is left, then remove the lab's files.
import { access, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from './errors.js';
import { stopHost } from './host.js';
import { run } from './proc.js';
import { unregisterLab } from './registry.js';
import { currentState, labPaths, type LabState } from './state.js';
import { checkRoot } from './validate.js';

export interface LabDownOptions {
  /** injectable uid check (tests); default process.getuid */
  getuid?: () => number;
}

/** Mount points at or below `dir` in this process's mount namespace. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((mp) => mp === dir || mp.startsWith(prefix));
}

export async function labDown(stateDirOrState: string | LabState, opts: LabDownOptions = {}): Promise<void> {
  checkRoot(opts.getuid);
  const { stateDir, state } = await currentState(stateDirOrState);
  const p = labPaths(stateDir);
  if (!state) {
    // Only the state file says a directory is a lab's: without it, files named hosts or
    // known_hosts are someone else's (--state-dir /etc), so nothing is removed.
    if (!(await anyExists([p.hostsDir, p.keyFile, p.knownHosts, p.sshConfig]))) return;
    throw new LabError(
      `${stateDir} holds no lab state file (state.json), so it is not a lab's state directory; nothing was removed. ` +
        "Pass the --state-dir that 'tsplay lab up' used (default .tsplay/lab/<inventory name> beside the inventory)",
    );
  }
  const results = await Promise.allSettled((state?.hosts ?? []).map((h) => stopHost(h)));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length)
    throw new LabError(failed.map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason))).join('\n'));

  // Host mounts live in the hosts' private mount namespaces and died with them. A mount left here
  // (e.g. someone mounted into the state dir by hand) must go before anything is deleted: removing
  // files under an rbind of /dev would remove this machine's /dev.
  let left = await mountsUnder(p.hostsDir);
  for (const mp of left.sort().reverse()) await run('umount', ['-R', '-l', mp]).catch(() => undefined);
  left = await mountsUnder(p.hostsDir);
  if (left.length) throw new LabError(`cannot unmount ${left.join(', ')}; unmount by hand, then run 'tsplay lab down' again`);

  // only paths the lab itself creates are removed, never paths read from the state file
  await rm(p.hostsDir, { recursive: true, force: true });
  for (const f of [p.keyFile, `${p.keyFile}.pub`, p.knownHosts, p.sshConfig, p.stateFile])
    await rm(f, { force: true });
  await rmdirIfEmpty(stateDir);
  await unregisterLab(stateDir);
  // the default layout <inventory dir>/.tsplay/lab/<name>: drop the parents too once they are empty
  const parent = path.dirname(stateDir);
  if (path.basename(parent) === 'lab' && path.basename(path.dirname(parent)) === '.tsplay') {
    if (await rmdirIfEmpty(parent)) await rmdirIfEmpty(path.dirname(parent));
  }
}

async function anyExists(paths: string[]): Promise<boolean> {
  for (const f of paths) if (await access(f).then(() => true, () => false)) return true;
  return false;
}

async function rmdirIfEmpty(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch {
    return false;
  }
}
