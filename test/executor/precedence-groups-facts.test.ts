import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlaySpec } from '../../lib/dsl/types.js';
import { copy, type TaskBuilder } from '../../lib/index.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';
import { runPlays, scratch } from '../helpers/run.js';

// Two precedence rules the pairwise test cannot show, side by side with ansible-playbook 2.14:
// - a host in groups at different depths (parents, grandparents, several parents, and
//   ansible_group_priority): deeper groups win, then priority, then the group name;
// - gathered facts beat inventory host vars and lose to play vars.

const GROUPS_INI = (out: string): string => `
[leaf]
h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 out=${out}

[other]
h1

[zeta]
h1

[mid:children]
leaf

[top:children]
mid

[other2:children]
other

[top:vars]
x_depth=top
x_mid_vs_other=top
x_prio=top
[mid:vars]
x_depth=mid
x_mid_vs_other=mid
[leaf:vars]
x_depth=leaf
x_prio=leaf
x_name=leaf
x_zeta=leaf
[other:vars]
x_mid_vs_other=other
x_name=other
[other2:vars]
x_mid_vs_other=other2
[zeta:vars]
x_prio=zeta
x_zeta=zeta
ansible_group_priority=0
[all:vars]
x_depth=all
`;

const DUMP = ['x_depth', 'x_mid_vs_other', 'x_prio', 'x_name', 'x_zeta', 'ansible_hostname', 'ansible_system', 'ansible_os_family']
  .map((k) => `${k}={{ ${k} }}`)
  .join('\n');

function parse(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

describe('precedence of nested groups and of gathered facts, side by side with ansible-playbook 2.14', function () {
  this.timeout(120000);
  let ansible: Record<string, string>;
  let tsplay: Record<string, string>;

  before(async () => {
    const { dir, cleanup } = scratch('tsplay-prec2-');
    try {
      for (const side of ['ansible', 'tsplay']) {
        const d = join(dir, side);
        mkdirSync(d);
        // facts beat inventory host vars; play vars beat facts
        writeFileSync(join(d, 'hosts.ini'), GROUPS_INI(join(d, 'out')).replace('out=', 'ansible_hostname=from-inventory ansible_os_family=from-inventory out='));
      }
      const a = join(dir, 'ansible');
      writeFileSync(
        join(a, 'pb.yml'),
        `- hosts: all\n  gather_facts: true\n  vars: {ansible_system: from-play}\n  tasks:\n    - copy: {dest: "{{ out }}", content: ${JSON.stringify(DUMP)}}\n`,
      );
      const ar = await ansiblePlaybook(a, ['-i', join(a, 'hosts.ini'), join(a, 'pb.yml')]);
      expect(ar.code, ar.out).to.equal(0);
      ansible = parse(readFileSync(join(a, 'out'), 'utf8'));
      const t = join(dir, 'tsplay');
      const plays: PlaySpec[] = [
        { hosts: 'all', gatherFacts: true, vars: { ansible_system: 'from-play' }, tasks: (tb: TaskBuilder) => void tb.task('dump', copy({ dest: '{{ out }}', content: DUMP })) },
      ];
      const run = await runPlays(join(t, 'hosts.ini'), plays);
      expect(run.exitCode, JSON.stringify(run.events.filter((e) => e.type === 'host_result' && e.status === 'failed'))).to.equal(0);
      tsplay = parse(readFileSync(join(t, 'out'), 'utf8'));
    } finally {
      cleanup();
    }
  });

  it('ansible itself: facts beat host vars, play vars beat facts (the premise)', () => {
    expect(ansible.ansible_hostname).to.not.equal('from-inventory');
    expect(ansible.ansible_os_family).to.equal('Debian');
    expect(ansible.ansible_system).to.equal('from-play');
  });

  for (const k of ['x_depth', 'x_mid_vs_other', 'x_prio', 'x_name', 'x_zeta', 'ansible_hostname', 'ansible_system', 'ansible_os_family']) {
    it(k, () => expect(tsplay[k]).to.equal(ansible[k]));
  }
});
