// The byte-for-byte proof for issue 17: templates in kubespray's shape (etcd.env, openssl.conf
// with a trailing comma and namespace(), kubeadm-config v1beta3 with ipwrap/ipaddr, kubelet-config
// with lookup('vars') and to_nice_yaml | indent, haproxy.cfg and nginx.conf for the localhost
// load balancer), with kubespray-like defaults (variables that
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
const FILES = ['etcd.env', 'openssl.conf', 'kubeadm-config.v1beta3.yaml', 'kubelet-config.v1beta1.yaml', 'coredns-config.yml', 'haproxy.cfg', 'nginx.conf', 'meta'];
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
    const p = spawnSync('ansible-playbook', ['-i', inv, pb, '-e', `out=${ansibleOut}`, '-e', `src_dir=${FIXTURES}`], { cwd: dir, env: ansibleEnv(dir), encoding: 'utf8' });
    ansibleLog = `${p.stdout}${p.stderr}`;
    if (p.status !== 0) throw new Error(`ansible-playbook failed:\n${ansibleLog}`);

    const run = await runPlays(inv, [{
      hosts: 'all',
      gatherFacts: false,
      vars,
      tasks: (t: TaskBuilder) => {
        for (const f of FILES) t.task(`render ${f}`, template({ src: join(FIXTURES, `${f}.j2`), dest: `{{ out }}/{{ inventory_hostname }}/${f}` }));
      },
    }], { extraVars: { out: tsplayOut, src_dir: FIXTURES } });
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
  it('`tsplay template` prints what ansible-playbook wrote (ansible_managed and template_* included)', () => {
    for (const [f, h] of [['etcd.env', 'k3'], ['openssl.conf', 'k1'], ['meta', 'k2']] as const) {
      const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/tsplay.js'), 'template', join(FIXTURES, `${f}.j2`), '-i', join(FIXTURES, 'hosts.ini'), '--host', h,
        '-e', `@${join(FIXTURES, 'vars.json')}`, '-e', `src_dir=${FIXTURES}`, '-e', `out=${tsplayOut}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr, `${f} on ${h}`).to.equal('');
      const want = readFileSync(join(ansibleOut, h, f), 'utf8');
      // the CLI is given the template by its full path, the module by the same: template_path agrees
      expect(r.stdout, `${f} on ${h}`).to.equal(f === 'meta' ? want.replace(/^dest=.*$/m, 'dest=None') : want);
    }
  });
  it('the templates use what they are meant to test', () => {
    const etcd = readFileSync(join(ansibleOut, 'k3', 'etcd.env'), 'utf8');
    expect(etcd).to.include('ETCD_LISTEN_PEER_URLS=https://[fd00::13]:2380');
    expect(etcd).to.include('# Ansible managed');
    const kubeadm = readFileSync(join(ansibleOut, 'k1', 'kubeadm-config.v1beta3.yaml'), 'utf8');
    expect(kubeadm).to.include('- "10.233.0.1"').and.include('- 10.233.0.3');
    const kubelet = readFileSync(join(ansibleOut, 'k1', 'kubelet-config.v1beta1.yaml'), 'utf8');
    expect(kubelet).to.include('kubeReservedCgroup: /kube.slice').and.include('  memory.available: 100Mi').and.include('  pid: "1000"');
  });
});
