import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cachedRun, cachedRunSync } from './ansible-cache.js';

// The real ansible-playbook for side-by-side tests: no colour, no retry files, no user or
// system ansible.cfg (ANSIBLE_CONFIG names a file that does not exist), temp files under `dir`.
// Mutation runs replay runs already seen (ansible-cache.ts); npm test always runs it.

type Callback = 'default' | 'json';

/** The environment every side-by-side run gives ansible-playbook; `callback` picks its stdout format. */
export function ansibleEnv(dir: string, callback: Callback = 'default'): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_STDOUT_CALLBACK: callback,
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
    ANSIBLE_CONFIG: join(dir, 'none.cfg'),
  };
}

/** `ansible-playbook ARGS` in `dir`, without blocking the event loop: exit code and stdout+stderr. */
export async function ansiblePlaybook(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await cachedRun(dir, args, 'default', () =>
    new Promise((resolve, reject) => {
      const p = spawn('ansible-playbook', args, { cwd: dir, env: ansibleEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? -1, stdout: out, stderr: '' }));
    }),
  );
  return { code: r.code, out: r.stdout };
}

/** `ansible-playbook ARGS` in `dir`, waiting for it: exit code, stdout and stderr apart. */
export function ansiblePlaybookSync(dir: string, args: string[], callback: Callback = 'default'): { code: number; stdout: string; stderr: string } {
  return cachedRunSync(dir, args, callback, () => {
    const p = spawnSync('ansible-playbook', args, { cwd: dir, env: ansibleEnv(dir, callback), encoding: 'utf8' });
    if (p.error) throw p.error;
    return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
  });
}
