import { spawn } from 'node:child_process';
import { join } from 'node:path';

// The real ansible-playbook for side-by-side tests: no colour, no retry files, no user or
// system ansible.cfg (ANSIBLE_CONFIG names a file that does not exist), temp files under `dir`.

/** The environment every side-by-side run gives ansible-playbook; `callback` picks its stdout format. */
export function ansibleEnv(dir: string, callback: 'default' | 'json' = 'default'): NodeJS.ProcessEnv {
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
export function ansiblePlaybook(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('ansible-playbook', args, { cwd: dir, env: ansibleEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}
