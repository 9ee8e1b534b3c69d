import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from './args.js';

// `tsplay new playbook NAME`: a playbook that type-checks and runs as written (a YAML playbook
// given to `tsplay run` points here).

function text(name: string, engine: string): string {
  return `import { playbook, command, debug } from '${engine}';

// Plays run in order; each takes an Ansible host pattern. Add roles with \`roles: [myrole]\`
// (tsplay new role NAME), check with \`tsplay check\`, run with \`tsplay run FILE -i INVENTORY\`.
export default playbook('${name}', [
  {
    name: 'say hello',
    hosts: 'all',
    gatherFacts: false,
    tasks: (t) => {
      t.task('uptime', command('uptime'), { register: 'up', changedWhen: false });
      t.task('show it', debug({ msg: '{{ inventory_hostname }}: {{ up.stdout }}' }));
    },
  },
]);
`;
}

export function newPlaybook(name: string, dir: string): number {
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new CliError(`playbook name '${name}': use letters, digits, - and _ (starting with a letter)`);
  const file = join(dir, `${name}.ts`);
  if (existsSync(file)) throw new CliError(`${file} already exists; pick another name or remove it`);
  const engine = relative(dir, 'lib/index.js').replace(/\\/g, '/');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text(name, engine.startsWith('.') ? engine : `./${engine}`));
  process.stdout.write(`created ${relative(process.cwd(), file)}\n\nnext: tsplay check ${file} && tsplay run ${file} -i inventory/lab/lab.ini\n`);
  return 0;
}
