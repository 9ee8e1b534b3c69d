// Renders templates with Debian's ansible-core 2.14 Templar (and its collections: ansible.utils,
// community.crypto), in one python3 process for a whole table of cases: the side-by-side
// reference for test/template/*-vs-ansible tests. Debian's python3 is named explicitly, as a
// pyenv python on PATH does not see the ansible package.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AnsibleCase {
  template: string;
  vars?: Record<string, unknown>;
  /** the directory lookups resolve relative files against (Ansible's loader basedir) */
  basedir?: string;
}

export type AnsibleResult = { ok: true; out: string } | { ok: false; error: string };

const SCRIPT = fileURLToPath(new URL('./ansible-templar.py', import.meta.url));

export function ansibleRenderAll(cases: AnsibleCase[], env: Record<string, string> = {}): Promise<AnsibleResult[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ANSIBLE_NOCOLOR: '1', ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ansible templar exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as AnsibleResult[]);
      } catch (e) {
        reject(new Error(`ansible templar printed no JSON: ${(e as Error).message}\n${out}\n${err}`));
      }
    });
    p.stdin.end(JSON.stringify(cases));
  });
}
