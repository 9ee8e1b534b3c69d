// The byte-for-byte proof for issue 17: templates in kubespray's shape (etcd.env, openssl.conf
// with a trailing comma and namespace(), kubeadm-config v1beta3 with ipwrap/ipaddr, haproxy.cfg
// and nginx.conf for the localhost load balancer), with kubespray-like defaults (variables that
// are Jinja, lists built as text, hostvars of other hosts), rendered by the template module of
// tsplay and of ansible-playbook 2.14 for three hosts: every file must be identical.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { template, type TaskBuilder } from '../../lib/index.js';
import { runPlays, scratch } from '../helpers/run.js';
import { ansibleEnv } from '../helpers/ansible-playbook.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/templates/kubespray', import.meta.url));
const FILES = ['etcd.env', 'openssl.conf', 'kubeadm-config.v1beta3.yaml', 'haproxy.cfg', 'nginx.conf'];
const HOSTS = ['k1', 'k2', 'k3'];

describe('kubespray-shaped templates: tsplay and ansible-playbook write identical bytes', function () {
  this.timeout(120_000);
  const { dir, cleanup } = scratch('tsplay-kubespray-');
  let ansibleOut = '';
  let ansibleLog = '';
  let tsplayOut = '';
  let tsplayFailures: string[] = [];

  before(async () => {
    const vars = JSON.parse(readFileSync(join(FIXTURES, 'vars.json'), 'utf8')) as Record<string, unknown>;
    const inv = join(dir, 'hosts.ini');
    writeFileSync(inv, `${readFileSync(join(FIXTURES, 'hosts.ini'), 'utf8')}ansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n`);
    ansibleOut = join(dir, 'ansible');
    tsplayOut = join(dir, 'tsplay');
    for (const base of [ansibleOut, tsplayOut]) for (const h of HOSTS) mkdirSync(join(base, h), { recursive: true });

    const tasks = FILES.map((f) => `    - name: render ${f}\n      template:\n        src: ${join(FIXTURES, `${f}.j2`)}\n        dest: "{{ out }}/{{ inventory_hostname }}/${f}"\n`).join('');
    const pb = join(dir, 'pb.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  vars_files:\n    - ${join(FIXTURES, 'vars.json')}\n  tasks:\n${tasks}`);
    const p = spawnSync('ansible-playbook', ['-i', inv, pb, '-e', `out=${ansibleOut}`], { cwd: dir, env: ansibleEnv(dir), encoding: 'utf8' });
    ansibleLog = `${p.stdout}${p.stderr}`;
    if (p.status !== 0) throw new Error(`ansible-playbook failed:\n${ansibleLog}`);

    const run = await runPlays(inv, [{
      hosts: 'all',
      gatherFacts: false,
      vars,
      tasks: (t: TaskBuilder) => {
        for (const f of FILES) t.task(`render ${f}`, template({ src: join(FIXTURES, `${f}.j2`), dest: `{{ out }}/{{ inventory_hostname }}/${f}` }));
      },
    }], { extraVars: { out: tsplayOut } });
    tsplayFailures = run.events.flatMap((e) => (e.type === 'host_result' && e.status === 'failed' ? [`${e.host} ${e.task}: ${e.msg ?? ''}`] : []));
  });
  after(() => cleanup());

  it('tsplay renders every template on every host', () => {
    expect(tsplayFailures).to.deep.equal([]);
  });
  for (const f of FILES) {
    for (const h of HOSTS) {
      it(`${f} on ${h}`, () => {
        const want = readFileSync(join(ansibleOut, h, f), 'utf8');
        const got = readFileSync(join(tsplayOut, h, f), 'utf8');
        expect(got).to.equal(want);
      });
    }
  }
  it('the templates use what they are meant to test', () => {
    const etcd = readFileSync(join(ansibleOut, 'k3', 'etcd.env'), 'utf8');
    expect(etcd).to.include('ETCD_LISTEN_PEER_URLS=https://[fd00::13]:2380');
    expect(etcd).to.include('# Ansible managed');
    const kubeadm = readFileSync(join(ansibleOut, 'k1', 'kubeadm-config.v1beta3.yaml'), 'utf8');
    expect(kubeadm).to.include('- "10.233.0.1"').and.include('- 10.233.0.3');
  });
});
