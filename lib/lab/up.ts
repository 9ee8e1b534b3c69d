// `lab up`: start every requested host that is not already running, all at once.
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ensureDebs, KUBE_LAB_DEBS, LAB_DEBS } from './debs.js';
import { LabError } from './errors.js';
import { prepareHost, SSHD, startHost, stopHost, TINI, type LabHostSpec } from './host.js';
import { ensureClientKey, knownHostsLines, readHostKeys } from './keys.js';
import { isSameProcess } from './proc.js';
import { defaultStateDir, hostPaths, labPaths, readState, writeState, type LabHostState, type LabState } from './state.js';
import { registerLab } from './registry.js';
import { daemonlessSystemctl } from './systemctl.js';
import { checkUsers, usersSetupScript, type LabUser } from './users.js';
import type { KubeRepo } from './kube/packages/repo.js';
import { checkRoot, checkStateDir, normalizeSpecs } from './validate.js';

export interface LabOptions {
  /** default: `.tsplay/lab/<inventory file name without extension>` beside the inventory (see defaultStateDir) */
  stateDir?: string;
  /** inventory path, only used to name the default state dir; default 'lab' */
  inventory?: string;
  /** extra users created inside every host started by this call */
  users?: LabUser[];
  /** how long one host may take until its sshd answers; default 15000 ms */
  startTimeoutMs?: number;
  /**
   * give every host the Kubernetes package repository (apt source and key; issue 11); it is built
   * on first use and cached (lib/lab/kube/packages/repo.ts); or a repository built elsewhere (tests)
   */
  kubeRepo?: boolean | KubeRepo;
  /** uid check, injectable so tests can show the non-root refusal; default process.getuid */
  getuid?: () => number;
}

/**
 * Starts the hosts that are not running yet and returns the lab's state. Idempotent: a host
 * that is already up is left alone (even if `users` changed); a host recorded in the state but no
 * longer running (e.g. after a reboot) starts again on its existing disk and host keys. Hosts of
 * the state that are not in `hosts` are kept as they are.
 */
export async function labUp(hosts: LabHostSpec[], opts: LabOptions = {}): Promise<LabState> {
  checkRoot(opts.getuid);
  const specs = normalizeSpecs(hosts);
  const users = opts.users ?? [];
  checkUsers(users);
  const stateDir = path.resolve(opts.stateDir ?? defaultStateDir(opts.inventory ?? 'lab'));
  checkStateDir(stateDir);
  await ensureDebs(opts.kubeRepo ? [...LAB_DEBS, ...KUBE_LAB_DEBS] : LAB_DEBS);
  const paths = labPaths(stateDir);

  const prev = await readState(stateDir);
  // the lab writes id_ed25519, known_hosts, ssh_config and hosts/ here: never into a directory
  // of someone else's files (--state-dir ~/.ssh), which `lab down` would then remove
  if (!prev) {
    const present = await readdir(stateDir).catch(() => [] as string[]);
    if (present.length) {
      throw new LabError(`${stateDir} is not empty and holds no lab state file (state.json); nothing was written. ` +
        'Give --state-dir a new or empty directory of its own (default .tsplay/lab/<inventory name> beside the inventory)');
    }
  }
  const running = new Map<string, LabHostState>();
  for (const h of prev?.hosts ?? []) if (await isSameProcess(h.pid, h.startTime)) running.set(h.name, h);
  const requested = new Set(specs.map((s) => s.name));
  const toStart = specs.filter((s) => !running.has(s.name));
  for (const s of specs) {
    const r = running.get(s.name);
    if (r && (r.address !== s.address || r.port !== s.port))
      throw new LabError(`${s.name} is already up on ${r.address}:${r.port}; run 'tsplay lab down' before moving it to ${s.address}:${s.port}`);
  }
  for (const s of toStart) {
    const clash = [...running.values()].find((r) => r.address === s.address && r.port === s.port);
    if (clash) throw new LabError(`${s.name}: ${s.address}:${s.port} is already used by lab host ${clash.name}`);
  }
  await Promise.all(
    toStart.map(async (s) => {
      if (await tcpOpen(s.address, s.port))
        throw new LabError(`${s.name}: ${s.address}:${s.port} is already in use by another process; stop it or pick another address`);
    }),
  );

  // a recorded host that died (crash, reboot): make sure its unshare is gone before reusing its disk
  await Promise.all((prev?.hosts ?? []).filter((h) => requested.has(h.name) && !running.has(h.name)).map((h) => stopHost(h)));
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const state: LabState = {
    stateDir,
    hosts: (prev?.hosts ?? []).filter((h) => !requested.has(h.name) || running.has(h.name)),
    keyFile: paths.keyFile,
    knownHosts: paths.knownHosts,
    sshConfig: paths.sshConfig,
    user: 'root',
  };
  // the state file first: it is what makes this directory a lab's for `lab down`, even when
  // this `up` fails before any host starts
  await writeState(state);
  await registerLab(stateDir);
  const [labPublicKey, systemctl, kubeRepo] = await Promise.all([
    ensureClientKey(paths.keyFile),
    findSystemctl(),
    typeof opts.kubeRepo === 'object' ? opts.kubeRepo : opts.kubeRepo && toStart.length ? findKubeRepo() : undefined,
  ]);
  // every host resolves every lab host by name, as in a real cluster
  const all = [...(prev?.hosts ?? []).filter((h) => !requested.has(h.name)), ...specs];
  const etcHosts = `${(await readFile('/etc/hosts', 'utf8')).trimEnd()}\n# tsplay lab\n${all.map((h) => `${h.address} ${h.name}`).join('\n')}\n`;
  const ctx = {
    stateDir,
    labPublicKey,
    systemctl,
    etcHosts,
    usersScript: users.length ? await usersSetupScript(users, labPublicKey) : undefined,
    kubeRepo,
  };

  // the state is written after each start, so `lab down` finds every process even if we die
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(() => writeState(state)));
  const results = await Promise.allSettled(
    toStart.map(async (s) => {
      try {
        await prepareHost(s, ctx);
      } catch (e) {
        throw new LabError(`${s.name}: cannot prepare its disk in ${hostPaths(stateDir, s.name).upper}: ${(e as Error).message}`);
      }
      const h = await startHost(s, stateDir, opts.startTimeoutMs);
      state.hosts.push(h);
      await save();
    }),
  );
  const order = new Map(all.map((h, i) => [h.name, i]));
  state.hosts.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  await save();
  await writeClientFiles(state);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failed.length) {
    const msgs = failed.map((e) => (e instanceof Error ? e.message : String(e)));
    throw new LabError(`${msgs.join('\n')}\n(hosts that did start are recorded in ${stateDir}; 'tsplay lab down' stops them)`);
  }
  return state;
}

async function findSystemctl(): Promise<string> {
  try {
    return await daemonlessSystemctl();
  } catch (e) {
    throw new LabError(e instanceof Error ? e.message : String(e));
  }
}

async function findKubeRepo(): Promise<KubeRepo> {
  try {
    // imported here: esbuild, dpkg-deb and gpg are needed only by labs that ask for the repository
    const { kubeRepo } = await import('./kube/packages/repo.js');
    return await kubeRepo();
  } catch (e) {
    throw new LabError(`cannot build the lab's Kubernetes package repository: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function tcpOpen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port });
    const done = (open: boolean): void => {
      sock.destroy();
      resolve(open);
    };
    sock.setTimeout(300, () => done(false));
    sock.on('connect', () => done(true));
    sock.on('error', () => done(false));
  });
}

/** known_hosts and ssh_config for every host of the state (host keys read back from the disks). */
async function writeClientFiles(state: LabState): Promise<void> {
  const known: string[] = [];
  const config: string[] = ['# tsplay lab: ssh -F <this file> <host name>'];
  for (const h of state.hosts) {
    known.push(...knownHostsLines(h, await readHostKeys(hostPaths(state.stateDir, h.name).upper)));
    config.push(
      '',
      `Host ${h.name}`,
      `  HostName ${h.address}`,
      `  Port ${h.port}`,
      `  User ${state.user}`,
      `  IdentityFile ${state.keyFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${state.knownHosts}`,
      '  StrictHostKeyChecking yes',
    );
  }
  await writeFile(state.knownHosts, known.join('\n') + '\n', { mode: 0o644 });
  if (state.sshConfig) await writeFile(state.sshConfig, config.join('\n') + '\n', { mode: 0o644 });
}
