import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copy, debug, defineRole, roleVars, set_fact, v, type TaskBuilder } from '../../lib/index.js';
import { ansiblePlaybook } from '../helpers/ansible-playbook.js';
import { runPlays, scratch } from '../helpers/run.js';

// Variable precedence over every layer README lists, PAIRWISE, run by tsplay and by the real
// ansible-playbook 2.14 in one play each: for every two layers a and b, variable `v_a__b` is set
// at both (to the layer's name), so its final value names the winner. Ansible's answer is the
// expected value; the layers where tsplay differs on purpose (README "Where tsplay differs") are
// listed in DELIBERATE with what tsplay gives instead.

const LAYERS = ['default', 'group', 'gvall', 'gv', 'host', 'hv', 'play', 'rolevar', 'block', 'task', 'fact', 'reg', 'param', 'extra'] as const;
type Layer = (typeof LAYERS)[number];

const pairs: [Layer, Layer][] = LAYERS.flatMap((a, i) => LAYERS.slice(i + 1).map((b) => [a, b] as [Layer, Layer]));
const varName = ([a, b]: [Layer, Layer]): string => `v_${a}__${b}`;
/** the variables layer `l` sets, each to `l` */
const at = (l: Layer): Record<string, string> => Object.fromEntries(pairs.filter((p) => p.includes(l)).map((p) => [varName(p), l]));
const yaml = (l: Layer): string => Object.entries(at(l)).map(([k, val]) => `${k}: ${val}\n`).join('');
const ini = (l: Layer): string => Object.entries(at(l)).map(([k, val]) => `${k}=${val}`).join(' ');
/** a registered result is a dict: its `msg` names the layer */
const DUMP = pairs.map((p) => `${varName(p)}={{ ${varName(p)}.msg if ${varName(p)} is mapping else ${varName(p)} }}`).join('\n') + '\n';

/** Pairs where tsplay differs from Ansible on purpose (README), with tsplay's winner. */
const DELIBERATE: Record<string, Layer> = {};

function parse(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

describe('variable precedence over every layer, pairwise, side by side with ansible-playbook 2.14', function () {
  this.timeout(120000);
  let ansible: Record<string, string>;
  let tsplay: Record<string, string>;

  before(async () => {
    const { dir, cleanup } = scratch('tsplay-prec-');
    try {
      for (const side of ['ansible', 'tsplay']) {
        const d = join(dir, side);
        mkdirSync(join(d, 'group_vars'), { recursive: true });
        mkdirSync(join(d, 'host_vars'));
        writeFileSync(join(d, 'group_vars/all.yml'), yaml('gvall'));
        writeFileSync(join(d, 'group_vars/web.yml'), yaml('gv'));
        writeFileSync(join(d, 'host_vars/web1.yml'), yaml('hv'));
        writeFileSync(
          join(d, 'hosts.ini'),
          `[web]\nweb1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 out=${join(d, 'out')} ${ini('host')}\n` +
            `[web:vars]\n${ini('group').split(' ').join('\n')}\n`,
        );
        writeFileSync(join(d, 'extra.json'), JSON.stringify(at('extra')));
      }
      // Ansible: the role on disk, params given where the play lists it
      const a = join(dir, 'ansible');
      for (const sub of ['defaults', 'vars', 'tasks']) mkdirSync(join(a, 'roles/probe', sub), { recursive: true });
      writeFileSync(join(a, 'roles/probe/defaults/main.yml'), yaml('default'));
      writeFileSync(join(a, 'roles/probe/vars/main.yml'), yaml('rolevar'));
      const regTasks = Object.keys(at('reg')).map((k) => `- debug: {msg: reg}\n  register: ${k}\n`).join('');
      writeFileSync(
        join(a, 'roles/probe/tasks/main.yml'),
        `- set_fact: ${JSON.stringify(at('fact'))}\n${regTasks}` +
          `- block:\n    - copy:\n        dest: "{{ out }}"\n        content: ${JSON.stringify(DUMP)}\n      vars: ${JSON.stringify(at('task'))}\n  vars: ${JSON.stringify(at('block'))}\n`,
      );
      writeFileSync(
        join(a, 'pb.yml'),
        `- hosts: web\n  gather_facts: false\n  vars: ${JSON.stringify(at('play'))}\n  roles:\n    - ${JSON.stringify({ role: 'probe', ...at('param') })}\n`,
      );
      const ar = await ansiblePlaybook(a, ['-i', join(a, 'hosts.ini'), join(a, 'pb.yml'), '-e', `@${join(a, 'extra.json')}`]);
      expect(ar.code, ar.out).to.equal(0);
      ansible = parse(readFileSync(join(a, 'out'), 'utf8'));

      const t = join(dir, 'tsplay');
      const schema = Object.fromEntries(pairs.map((p) => [varName(p), v.unknown()]));
      const role = defineRole({
        name: 'probe',
        vars: roleVars(schema),
        defaults: at('default'),
        roleVars: at('rolevar'),
        tasks: (tb) => {
          tb.task('facts', set_fact(at('fact')));
          for (const k of Object.keys(at('reg'))) tb.task(`reg ${k}`, debug({ msg: 'reg' }), { register: k });
          tb.block('b', (b) => void b.task('dump', copy({ dest: '{{ out }}', content: DUMP }), { vars: at('task') }), { vars: at('block') });
        },
      });
      const run = await runPlays(join(t, 'hosts.ini'), [{ hosts: 'web', gatherFacts: false, vars: at('play'), roles: [role.with(at('param'))], tasks: (_: TaskBuilder) => undefined }], {
        extraVars: at('extra'),
      });
      expect(run.exitCode, JSON.stringify(run.events.filter((e) => e.type === 'host_result' && e.status === 'failed'))).to.equal(0);
      tsplay = parse(readFileSync(join(t, 'out'), 'utf8'));
    } finally {
      cleanup();
    }
  });

  for (const p of pairs) {
    const name = varName(p);
    it(`${p[0]} vs ${p[1]}`, () => {
      expect(ansible[name], 'ansible gave no value').to.be.oneOf(p);
      expect(tsplay[name]).to.equal(DELIBERATE[name] ?? ansible[name]);
    });
  }
});
