import { command, copy, file, lineinfile, playbook } from '../lib/index.js';

// The benchmark's workload (bench/ansible/workload.yml is the same in Ansible YAML): per host, a
// directory, 20 file copies, one lineinfile and one read-only command. No fact gathering on either
// side. Each host writes under its own directory, so hosts that share a filesystem (scale mode)
// never touch each other's files.
export const COPIES = 20;
/** tasks per host: the directory, the copies, lineinfile, command */
export const TASKS = COPIES + 3;

export default playbook('bench', [
  {
    name: 'bench workload',
    hosts: 'all',
    gatherFacts: false,
    vars: { bench_root: '/tmp/tsplay-bench' },
    tasks: (t) => {
      t.task('bench dir', file({ path: '{{ bench_root }}/{{ inventory_hostname }}', state: 'directory', mode: '0755' }));
      for (let i = 1; i <= COPIES; i++) {
        t.task(`copy ${i}`, copy({ dest: `{{ bench_root }}/{{ inventory_hostname }}/file${i}.txt`, content: `bench file ${i} on {{ inventory_hostname }}\n`, mode: '0644' }));
      }
      t.task('settings line', lineinfile({ path: '{{ bench_root }}/{{ inventory_hostname }}/settings.conf', line: 'tuned=yes', regexp: '^tuned=', create: true, mode: '0644' }));
      t.task('read-only command', command('cat /etc/hostname'), { changedWhen: false });
    },
  },
]);
