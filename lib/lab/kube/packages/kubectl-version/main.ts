// `kubectl version` of the lab's kubectl package (/usr/bin/kubectl runs this only when an argument
// is `version`): the client part is the package's version in that release's format (format.ts);
// the server part and every other command come from the real kubectl binary shipped beside it.
import { spawn } from 'node:child_process';
import { clientInfo, hasStructFormat, kustomizeVersion, structText, yamlText, type VersionInfo } from './format.js';

/** Where the kubectl package puts the real binary. */
export const REAL_KUBECTL = '/usr/lib/kubectl-double/kubectl';

// kubectl's global flags that take a separate value (`--kubeconfig x`), to find the subcommand
const VALUE_FLAGS = new Set([
  '--kubeconfig', '--context', '--cluster', '--user', '-n', '--namespace', '-s', '--server', '--token',
  '--as', '--as-group', '--as-uid', '--certificate-authority', '--client-certificate', '--client-key',
  '--request-timeout', '--cache-dir', '-v', '--v', '--vmodule', '--log-dir', '--log-file', '--tls-server-name',
  '--password', '--username', '--profile', '--profile-output',
]);

export async function main(argv: string[], version: string): Promise<number> {
  const real = process.env.TSPLAY_REAL_KUBECTL || REAL_KUBECTL;
  const cmd = subcommandIndex(argv);
  if (cmd < 0 || argv[cmd] !== 'version') return passThrough(real, argv);
  const global = argv.slice(0, cmd);
  let client = false;
  let short = false;
  let output = '';
  const rest: string[] = [];
  const args = argv.slice(cmd + 1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [name, inline] = a.startsWith('-') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--client') client = inline === undefined || inline === 'true';
    else if (name === '--short') {
      if (!hasStructFormat(version)) return usageError('unknown flag: --short');
      short = inline === undefined || inline === 'true';
    } else if (name === '-o' || name === '--output') {
      output = inline ?? args[++i] ?? '';
    } else if (a.startsWith('-o') && a.length > 2) output = a.slice(2);
    else rest.push(a);
  }
  if (output && output !== 'json' && output !== 'yaml') {
    process.stderr.write("error: --output must be 'yaml' or 'json'\n");
    return 1;
  }
  const info = clientInfo(version);
  const kustomize = kustomizeVersion(version);
  if (client) {
    process.stdout.write(render(version, info, kustomize, undefined, output, short));
    return 0;
  }
  // the server's version comes from the real client talking to the API
  const r = await capture(real, [...global, 'version', '-o', 'json', ...rest]);
  let server: Partial<VersionInfo> | undefined;
  try {
    server = (JSON.parse(r.stdout) as { serverVersion?: Partial<VersionInfo> }).serverVersion;
  } catch {
    server = undefined;
  }
  process.stdout.write(render(version, info, kustomize, server, output, short));
  if (server && !hasStructFormat(version)) {
    const c = Number(info.minor);
    const s = Number(String(server.minor ?? '').replace(/\D.*$/, ''));
    if (Number.isFinite(s) && Math.abs(c - s) > 1)
      process.stderr.write(`WARNING: version difference between client (1.${c}) and server (1.${s}) exceeds the supported minor version skew of +/-1\n`);
  }
  process.stderr.write(r.stderr);
  return r.code;
}

function render(version: string, info: VersionInfo, kustomize: string | undefined, server: Partial<VersionInfo> | undefined, output: string, short: boolean): string {
  const obj: Record<string, unknown> = { clientVersion: info };
  if (kustomize) obj.kustomizeVersion = kustomize;
  if (server) obj.serverVersion = server;
  if (output === 'json') return JSON.stringify(obj, null, 2) + '\n';
  if (output === 'yaml') return yamlText(obj);
  if (hasStructFormat(version) && !short)
    return `Client Version: ${structText(info)}\n` + (server ? `Server Version: ${structText(server)}\n` : '');
  return (
    `Client Version: ${info.gitVersion}\n` +
    (kustomize ? `Kustomize Version: ${kustomize}\n` : '') +
    (server ? `Server Version: ${server.gitVersion ?? ''}\n` : '')
  );
}

function usageError(text: string): number {
  process.stderr.write(`error: ${text}\nSee 'kubectl version --help' for usage.\n`);
  return 1;
}

/** Index of the first argument that is not a flag or a flag's value; -1 when none. */
export function subcommandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-')) return i;
    if (!a.includes('=') && VALUE_FLAGS.has(a)) i++;
  }
  return -1;
}

function passThrough(real: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(real, argv, { stdio: 'inherit' });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
    child.on('error', (e) => {
      process.stderr.write(`kubectl: cannot run ${real}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function capture(real: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(real, argv, { stdio: ['inherit', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: 127, stdout: '', stderr: `kubectl: cannot run ${real}: ${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
