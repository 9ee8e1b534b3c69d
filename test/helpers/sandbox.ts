import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Connection, ExecOptions } from '../../lib/connection/types.js';
import { LocalConnection, type SpawnSpec } from '../../lib/connection/local.js';
import { daemonlessSystemctl } from '../../lib/lab/systemctl.js';
import { shq } from '../../lib/util/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../../lib/modules/types.js';
import { ModuleFailure } from '../../lib/modules/types.js';
import nunjucks from 'nunjucks';
import { Ajv } from 'ajv';

// A throwaway host for system-module tests: its own PID, mount, UTS, IPC and network namespaces,
// an overlay of this machine's / (writes land in a per-sandbox upper dir), a fresh /proc, tmpfs
// /tmp and /run, and tini as PID 1. Killing PID 1 ends everything inside and drops its mounts.
// /proc/sys is read-only except /proc/sys/net (per network namespace), and /sys is read-only, so
// nothing a test does can change this machine's kernel settings.

export type SandboxFile = string | Buffer | { content: string | Buffer; mode?: number };

export interface SandboxOptions {
  /** files written into the upper dir before the overlay is mounted (path inside the sandbox) */
  files?: Record<string, SandboxFile>;
  /**
   * Bind regular files over kernel files in the sandbox's /proc (e.g. `{ swaps: '...' }` for
   * /proc/swaps). For test doubles of host-wide kernel state (swap, loaded modules) that a test
   * must not change on this machine. The file stays writable so a double can update it.
   */
  fakeProc?: Record<string, string>;
  /**
   * Empty tmpfs mounts over these paths (e.g. /sys/module), for test doubles of kernel state
   * that live in read-only kernel file systems.
   */
  tmpfs?: string[];
}

export interface Sandbox {
  readonly name: string;
  readonly conn: Connection;
  /** pid (on this machine) of the sandbox's PID 1 */
  readonly pid: number;
  /** host-side upper dir of the overlay: what the sandbox changed (read it, never write it) */
  readonly upper: string;
  stop(): Promise<void>;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const FAKE_PROC_DIR = '/var/lib/tsplay-test/proc';
const live = new Map<number, string>();

// A crashed test run must not leave sandboxes behind.
process.once('exit', () => {
  for (const [pid, dir] of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startSandbox(name: string, opts: SandboxOptions = {}): Promise<Sandbox> {
  if (!/^[a-z0-9-]{1,40}$/.test(name)) throw new Error(`sandbox name must be [a-z0-9-]{1,40}: ${name}`);
  const dir = await mkdtemp(join(tmpdir(), `tsplay-sbx-${name}-`));
  const upper = join(dir, 'upper');
  const merged = join(dir, 'merged');
  for (const d of [upper, join(dir, 'work'), merged]) mkdirSync(d, { recursive: true });

  const files: Record<string, SandboxFile> = { ...opts.files };
  files['/usr/local/bin/systemctl'] ??= { content: await readFile(await daemonlessSystemctl()), mode: 0o755 };
  for (const [key, content] of Object.entries(opts.fakeProc ?? {})) files[`${FAKE_PROC_DIR}/${key}`] = content;
  for (const [path, f] of Object.entries(files)) {
    const target = join(upper, resolveInLower(path));
    mkdirSync(dirname(target), { recursive: true });
    const content = typeof f === 'string' || Buffer.isBuffer(f) ? f : f.content;
    writeFileSync(target, content);
    if (typeof f === 'object' && !Buffer.isBuffer(f) && f.mode !== undefined) chmodSync(target, f.mode);
  }

  const m = shq(merged);
  const fake = Object.keys(opts.fakeProc ?? {}).map(
    (k) => `mount --bind ${m}${FAKE_PROC_DIR}/${k} ${m}/proc/${k}`,
  );
  const init = [
    'set -e',
    // /proc is still this machine's here, so /proc/self names this shell by its outer pid
    'read -r self rest < /proc/self/stat',
    'mount --make-rprivate /',
    `mount -t overlay overlay -o lowerdir=/,upperdir=${shq(upper)},workdir=${shq(join(dir, 'work'))} ${m}`,
    `mount -t proc proc ${m}/proc`,
    `mount --bind ${m}/proc/sys/net ${m}/proc/sys/net`,
    `mount --rbind ${m}/proc/sys ${m}/proc/sys`,
    `mount -o remount,bind,ro ${m}/proc/sys`,
    ...fake,
    `mount --rbind /dev ${m}/dev`,
    `mount --rbind /sys ${m}/sys`,
    `mount -o remount,bind,ro ${m}/sys`,
    ...(opts.tmpfs ?? []).map((p) => `mount -t tmpfs tmpfs ${m}${shq(p)}`),
    `mount -t tmpfs tmpfs ${m}/tmp`,
    `mount -t tmpfs tmpfs ${m}/run`,
    `hostname ${shq(name)}`,
    'ip link set lo up',
    `echo "$self" > ${shq(join(dir, 'pid'))}`,
    `exec chroot ${m} /usr/bin/tini -s -- sleep infinity`,
  ].join('\n');
  const child = spawn('unshare', ['--pid', '--mount', '--uts', '--ipc', '--net', '--fork', '/bin/sh', '-c', init], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));

  let pid: number;
  try {
    pid = await waitForInit(dir, () => (done ? stderr || 'unshare exited' : null));
  } catch (e) {
    // a sandbox that failed to start leaves nothing behind
    if (child.pid && !done) process.kill(-child.pid, 'SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  live.set(pid, dir);
  const conn = new NsenterConnection(name, pid);
  return {
    name,
    conn,
    pid,
    upper,
    async stop() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      live.delete(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The path a file lands at in the overlay: symlinked directories of the lower / (Debian's
 * /lib -> usr/lib) are followed, or a real directory in the upper dir would hide the link.
 */
function resolveInLower(path: string): string {
  let dir = dirname(path);
  const rest: string[] = [basename(path)];
  while (dir !== '/' && !existsSync(dir)) {
    rest.unshift(basename(dir));
    dir = dirname(dir);
  }
  return join(realpathSync(dir), ...rest);
}

async function waitForInit(dir: string, failed: () => string | null): Promise<number> {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const err = failed();
    if (err) throw new Error(`sandbox did not start: ${err.trim()}`);
    try {
      const pid = Number((await readFile(join(dir, 'pid'), 'utf8')).trim());
      // ready once the shell has exec'd tini inside the chroot
      if (pid > 0 && readlinkSync(`/proc/${pid}/exe`).endsWith('/tini')) return pid;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('sandbox did not start within 15 s');
}

/** Runs commands inside the sandbox's namespaces and root, like a connection to a real host. */
export class NsenterConnection extends LocalConnection {
  constructor(
    host: string,
    private readonly pid: number,
  ) {
    super(host);
    this.loginUser = 'root';
  }

  protected override spawnSpec(script: string, opts: ExecOptions, becomeEnv: Record<string, string>): SpawnSpec {
    const argv = ['--target', String(this.pid), '--mount', '--uts', '--ipc', '--net', '--pid', '--root', '--wd'];
    const inner = opts.cwd ? `cd ${shq(opts.cwd)} && ${script}` : script;
    return { file: 'nsenter', args: [...argv, '/bin/sh', '-c', inner], env: { PATH, HOME: '/root', LANG: 'C.UTF-8', ...opts.env, ...becomeEnv } };
  }
}

// ---- a ModuleContext for module tests (the executor builds the real one) ----

export interface TestContextOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
}

export interface TestContext extends ModuleContext {
  /** what the module printed with ctx.log */
  readonly logged: string[];
  /** what the module gave to ctx.setFacts */
  readonly facts: Record<string, unknown>;
}

export function testContext(conn: Connection, opts: TestContextOptions = {}): TestContext {
  const vars = { ...opts.vars };
  const logged: string[] = [];
  const facts: Record<string, unknown> = {};
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  return {
    host: conn.host,
    conn,
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    become: false,
    vars,
    logged,
    facts,
    render: (text) => env.renderString(text, vars),
    findFile: (kind, rel) => {
      throw new Error(`findFile(${kind}, ${rel}) is not available in module tests`);
    },
    setFacts: (f) => Object.assign(facts, f),
    log: (m) => logged.push(m),
  };
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Validate args against the module's schema (as the executor does) and run it; a ModuleFailure
 * becomes `{ failed: true, msg }` like a failed task. Returns the result.
 */
export async function runModule<A, R extends ModuleResult>(
  mod: { def: ModuleDef<A, R> },
  args: A,
  ctx: ModuleContext,
): Promise<R & { failed?: boolean; msg?: string } & Record<string, unknown>> {
  const validate = ajv.compile(mod.def.schema);
  if (!validate(args)) throw new Error(`${mod.def.name}: invalid args: ${ajv.errorsText(validate.errors)}`);
  try {
    return (await mod.def.run(args, ctx)) as R & Record<string, unknown>;
  } catch (e) {
    if (e instanceof ModuleFailure) return { changed: false, failed: true, msg: e.message, ...e.result } as unknown as R & Record<string, unknown>;
    throw e;
  }
}

/** Run a command inside the sandbox and return stdout; fails the test on a non-zero exit. */
export async function sh(conn: Connection, script: string): Promise<string> {
  const r = await conn.exec(script);
  if (r.rc !== 0) throw new Error(`sandbox command failed (rc ${r.rc}): ${script}\n${r.stderr}`);
  return r.stdout;
}
