import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The CLI as a user runs it: a child process, its stdout, stderr and exit code.
function tsplay(args: string[], cwd = process.cwd()): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/tsplay.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The prod inventory's `ip` of a host, read through the CLI (tests never hard-code prod addresses). */
function ipOf(host: string): string {
  return JSON.parse(tsplay(['inventory', '-i', 'inventory/prod.ini', '--host', host]).out).ip as string;
}

describe('tsplay CLI', function () {
  this.timeout(120000);

  it('inventory --list is shaped like ansible-inventory --list', () => {
    const r = tsplay(['inventory', '-i', 'inventory/prod.ini', '--list']);
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    // as ansible-inventory 2.14 prints it: only the top-level groups are children of all
    expect(j.all.children).to.deep.equal(['ungrouped', 'etcd', 'k8s-cluster']);
    expect(j['kube-node'].hosts).to.deep.equal(['k1-node01', 'k1-node02', 'k1-node03', 'k1-node04', 'k1-node05']);
    expect(j['k8s-cluster'].children).to.deep.equal(['kube-master', 'kube-node', 'calico-rr']);
    expect(j._meta.hostvars['k1-master01']).to.include({ iface: 'eno49', kube_proxy_mode: 'ipvs' });
  });

  it('inventory --list-hosts takes a pattern and --limit', () => {
    const r = tsplay(['inventory', '-i', 'inventory/prod.ini', '--list-hosts', 'k8s-cluster:!kube-master', '--limit', 'k1-node0[1:2]']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal('k1-node01\nk1-node02\n');
    const none = tsplay(['inventory', '-i', 'inventory/prod.ini', '--list-hosts', 'all', '--limit', 'nosuch']);
    expect(none.code).to.equal(1);
    expect(none.err).to.match(/--limit 'nosuch'/);
  });

  it('renders etcd.env for k1-master01 exactly as kubespray lays it out (seed 004)', () => {
    const r = tsplay(['template', 'roles/etcd/templates/etcd.env.njk', '-i', 'inventory/prod.ini', '--host', 'k1-master01']);
    expect(r.code, r.err).to.equal(0);
    const [m1, m2, m3] = ['k1-master01', 'k1-master02', 'k1-master03'].map(ipOf);
    const ssl = '/etc/ssl/etcd/ssl';
    expect(r.out.split('\n')).to.deep.equal([
      '# Environment file for etcd, managed by tsplay (role etcd)',
      'ETCD_DATA_DIR=/var/lib/etcd',
      `ETCD_ADVERTISE_CLIENT_URLS=https://${m1}:2379`,
      `ETCD_INITIAL_ADVERTISE_PEER_URLS=https://${m1}:2380`,
      'ETCD_INITIAL_CLUSTER_STATE=new',
      'ETCD_METRICS=basic',
      `ETCD_LISTEN_CLIENT_URLS=https://${m1}:2379,https://127.0.0.1:2379`,
      'ETCD_ELECTION_TIMEOUT=5000',
      'ETCD_HEARTBEAT_INTERVAL=250',
      'ETCD_INITIAL_CLUSTER_TOKEN=k8s_etcd',
      `ETCD_LISTEN_PEER_URLS=https://${m1}:2380`,
      'ETCD_NAME=etcd1',
      'ETCD_PROXY=off',
      `ETCD_INITIAL_CLUSTER=etcd1=https://${m1}:2380,etcd2=https://${m2}:2380,etcd3=https://${m3}:2380`,
      'ETCD_AUTO_COMPACTION_RETENTION=8',
      'ETCD_SNAPSHOT_COUNT=10000',
      '',
      '# TLS settings',
      `ETCD_TRUSTED_CA_FILE=${ssl}/ca.pem`,
      `ETCD_CERT_FILE=${ssl}/member-k1-master01.pem`,
      `ETCD_KEY_FILE=${ssl}/member-k1-master01-key.pem`,
      'ETCD_CLIENT_CERT_AUTH=true',
      '',
      `ETCD_PEER_TRUSTED_CA_FILE=${ssl}/ca.pem`,
      `ETCD_PEER_CERT_FILE=${ssl}/member-k1-master01.pem`,
      `ETCD_PEER_KEY_FILE=${ssl}/member-k1-master01-key.pem`,
      'ETCD_PEER_CLIENT_CERT_AUTH=true',
      '',
    ]);
  });

  /** `tsplay template FILE` for k1-master01 of inventory/prod.ini spelled with the current group names, plus `extra` (-e ...) */
  const renderForProdMaster = (file: string, extra: string[] = []): { code: number; out: string; err: string } => {
    // roles read the current group names (a run maps the legacy ones first: playbooks/boilerplate.ts);
    // `tsplay template` runs no play, so it is given the prod inventory spelled the current way
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-prod-'));
    try {
      cpSync('inventory', dir, { recursive: true });
      const ini = readFileSync(join(dir, 'prod.ini'), 'utf8').replace(/kube-master/g, 'kube_control_plane').replace(/kube-node/g, 'kube_node').replace(/k8s-cluster/g, 'k8s_cluster').replace(/calico-rr/g, 'calico_rr');
      writeFileSync(join(dir, 'prod.ini'), ini);
      cpSync(join(dir, 'group_vars/k8s-cluster.yml'), join(dir, 'group_vars/k8s_cluster.yml'));
      rmSync(join(dir, 'group_vars/k8s-cluster.yml'));
      return tsplay(['template', file, '-i', join(dir, 'prod.ini'), '--host', 'k1-master01', ...extra]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('kubeadm configs follow kube_version: v1beta1 for 1.14, v1beta2 for 1.16, v1beta3 for 1.22, v1beta4 (extraArgs as a list) for 1.31', () => {
    for (const [version, api] of [['1.14.3', 'v1beta1'], ['v1.16.3', 'v1beta2'], ['1.22.0', 'v1beta3'], ['1.31.0', 'v1beta4']] as const) {
      for (const file of ['kubeadm-config.yaml.njk', 'kubeadm-controlplane.yaml.njk']) {
        const extra = ['-e', `kube_version=${version}`, '-e', 'kube_apiserver_bind_address=0.0.0.0', '-e', 'kubeadm_token=abcdef.0123456789abcdef', '-e', 'kubeadm_certificate_key=00'];
        const r = renderForProdMaster(`roles/kubernetes-control-plane/templates/${file}`, extra);
        expect(r.code, `${version} ${file}: ${r.err}`).to.equal(0);
        const apis = r.out.split('\n').filter((l) => l.startsWith('apiVersion: kubeadm.k8s.io/'));
        expect(apis, `${version} ${file}\n${r.out}`).to.not.be.empty;
        for (const l of apis) expect(l, `${version} ${file}`).to.equal(`apiVersion: kubeadm.k8s.io/${api}`);
        if (file === 'kubeadm-config.yaml.njk') {
          expect(r.out, version).to.include(`kubernetesVersion: v${version.replace(/^v/, '')}\n`);
          // v1beta4 made extraArgs a list of name/value pairs; before, a map
          if (api === 'v1beta4') expect(r.out).to.match(/extraArgs:\n\s+- name: /);
          else expect(r.out).to.not.match(/extraArgs:\n\s+- name: /);
        }
      }
    }
  });

  it('renders kubeadm-config.yaml for k1-master01: LB endpoint, external etcd, subnets, SANs, systemd cgroups', () => {
    // roles read the current group names (a run maps the legacy ones first: playbooks/boilerplate.ts);
    // `tsplay template` runs no play, so it is given the prod inventory spelled the current way
    const r = renderForProdMaster('roles/kubernetes-control-plane/templates/kubeadm-config.yaml.njk');
    expect(r.code, r.err).to.equal(0);
    const [m1, m2, m3] = ['k1-master01', 'k1-master02', 'k1-master03'].map(ipOf);
    const lb = JSON.parse(tsplay(['inventory', '-i', 'inventory/prod.ini', '--host', 'k1-master01']).out).loadbalancer_apiserver.address as string;
    const lines = r.out.split('\n');
    const expectLines = [
      'apiVersion: kubeadm.k8s.io/v1beta2',
      'kind: InitConfiguration',
      `  advertiseAddress: ${m1}`,
      '  bindPort: 6443',
      '  name: k1-master01',
      'kind: ClusterConfiguration',
      'kubernetesVersion: v1.15.6',
      'controlPlaneEndpoint: lb-apiserver.kubernetes.local:6443',
      'certificatesDir: /etc/kubernetes/ssl',
      `    - https://${m1}:2379`,
      `    - https://${m2}:2379`,
      `    - https://${m3}:2379`,
      '    caFile: /etc/ssl/etcd/ssl/ca.pem',
      '    certFile: /etc/ssl/etcd/ssl/node-k1-master01.pem',
      '    keyFile: /etc/ssl/etcd/ssl/node-k1-master01-key.pem',
      '  serviceSubnet: 10.233.0.0/18',
      '  podSubnet: 10.233.64.0/18',
      // kubespray's SANs from its defaults (dns_domain, kube_apiserver_ip), not "undefined"
      '  - kubernetes.default.svc.cluster.local',
      '  - 10.233.0.1',
      '  - lb-apiserver.kubernetes.local',
      `  - ${lb}`,
      '  - k1-master03',
      `  - ${m3}`,
      'mode: ipvs',
      'kind: KubeletConfiguration',
      'cgroupDriver: systemd',
    ];
    // each expected line is there, in this order
    let at = -1;
    for (const l of expectLines) {
      const i = lines.indexOf(l, at + 1);
      expect(i, `line '${l}' after line ${at + 1}\n${r.out}`).to.be.greaterThan(at);
      at = i;
    }
    expect(lines.filter((l) => l === '---')).to.have.length(3);
    expect(r.out).to.not.include('undefined');
  });

  it('an undefined variable in a template is an error naming file, line and host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-tpl-'));
    try {
      writeFileSync(join(dir, 't.njk'), 'a\nb={{ etcd_dta_dir }}\n');
      const r = tsplay(['template', join(dir, 't.njk'), '-i', 'inventory/prod.ini', '--host', 'k1-master01']);
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/t\.njk:2/).and.to.match(/k1-master01/).and.to.match(/etcd_dta_dir/);
      expect(r.err).not.to.match(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check: every shipped playbook type-checks and loads; a typo in a role variable fails with file:line', function () {
    // three type-checks of the install's roles: ~30 s each on a busy 2-CPU machine
    this.timeout(300000);
    // all of playbooks/, so a role reaching into the engine's internals (refused at load) fails here, not in a lab suite
    // (boilerplate.ts and confirm.ts export plays the others include, not playbooks)
    const shipped = readdirSync('playbooks')
      .filter((n) => n.endsWith('.ts') && /^export default playbook\(/m.test(readFileSync(`playbooks/${n}`, 'utf8')))
      .map((n) => `playbooks/${n}`);
    expect(shipped).to.include('playbooks/upgrade-cluster.ts');
    const ok = tsplay(['check', ...shipped]);
    expect(ok.code, ok.out + ok.err).to.equal(0);
    const dir = mkdtempSync(join(process.cwd(), 'test/.tmp-check-'));
    try {
      cpSync('roles/etcd', join(dir, 'roles/etcd'), { recursive: true });
      for (const f of readdirSync(join(dir, 'roles/etcd')).filter((n) => n.endsWith('.ts') && n !== 'index.ts')) {
        const p = join(dir, 'roles/etcd', f);
        writeFileSync(p, readFileSync(p, 'utf8').replace(/\.\.\/\.\.\/lib\//g, '../../../../lib/'));
      }
      const index = join(dir, 'roles/etcd/index.ts');
      const src = readFileSync(index, 'utf8').replace(/\.\.\/\.\.\/lib\//g, '../../../../lib/');
      const typo = src.replace("etcd_data_dir: '/var/lib/etcd',", "etcd_dta_dir: '/var/lib/etcd',");
      writeFileSync(index, typo);
      const line = typo.split('\n').findIndex((l) => l.includes('etcd_dta_dir')) + 1;
      writeFileSync(join(dir, 'pb.ts'), "import { playbook } from '../../lib/index.js';\nimport etcd from './roles/etcd/index.js';\nexport default playbook('p', [{ hosts: 'etcd', roles: [etcd] }]);\n");
      const bad = tsplay(['check', join(dir, 'pb.ts')]);
      expect(bad.code).to.equal(1);
      expect(bad.out).to.match(new RegExp(`roles/etcd/index\\.ts:${line}:\\d+ .*etcd_dta_dir`));
      const params = "import { playbook } from '../../lib/index.js';\nimport etcd from '../../roles/etcd/index.js';\nexport default playbook('p', [{ hosts: 'etcd', roles: [etcd.with({ etcd_client_port: '2379' })] }]);\n";
      writeFileSync(join(dir, 'pb2.ts'), params);
      const bad2 = tsplay(['check', join(dir, 'pb2.ts')]);
      expect(bad2.code).to.equal(1);
      expect(bad2.out).to.match(/pb2\.ts:3:\d+ .*string.*number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('new role scaffolds a typed role that type-checks and whose test passes', () => {
    const rolesDir = mkdtempSync(join(process.cwd(), 'test/.tmp-roles-'));
    const name = 'demo-app';
    const testFile = join('test/roles', `${name}.test.ts`);
    try {
      const r = tsplay(['new', 'role', name, '--dir', rolesDir.slice(process.cwd().length + 1)]);
      expect(r.code, r.err).to.equal(0);
      expect(existsSync(join(rolesDir, name, 'index.ts'))).to.equal(true);
      expect(existsSync(join(rolesDir, name, `templates/${name}.conf.njk`))).to.equal(true);
      const check = tsplay(['check', join(rolesDir, name, 'index.ts'), testFile]);
      expect(check.code, check.out).to.equal(0);
      const mocha = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', testFile], { encoding: 'utf8' });
      expect(mocha.status, mocha.stdout + mocha.stderr).to.equal(0);
      expect(mocha.stdout).to.match(/1 passing/);
      const again = tsplay(['new', 'role', name, '--dir', rolesDir.slice(process.cwd().length + 1)]);
      expect(again.code).to.equal(1);
      expect(again.err).to.match(/already exists/);
    } finally {
      rmSync(rolesDir, { recursive: true, force: true });
      rmSync(testFile, { force: true });
    }
  });

  it('bad inventory input is one clear line with file:line, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
    try {
      writeFileSync(join(dir, 'bad.ini'), '[web]\nh1\n[web:kids]\nh2\n');
      const r = tsplay(['inventory', '-i', join(dir, 'bad.ini'), '--list']);
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/bad\.ini:3/);
      expect(r.err).not.to.match(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cluster.ts runs the external API load balancer before the control plane, and kube-vip in its kubelet play (kubespray roles/kubernetes/node)', () => {
    const t = tsplay(['run', 'playbooks/cluster.ts', '-i', 'inventory/prod.ini', '--list-tasks']);
    expect(t.code, t.err).to.equal(0);
    const plays = t.out.split(/\n(?=\s*play #)/);
    const at = (name: string): number => plays.findIndex((p) => new RegExp(`^\\s*play #\\d+ \\([^)]*\\): ${name}\\t`).test(p));
    const [lb, kubelet, cp] = [at('external API load balancer'), at('kubelet'), at('control plane')];
    expect([lb, kubelet, cp], t.out).to.not.include(-1);
    expect(lb, t.out).to.be.lessThan(cp);
    expect(kubelet, t.out).to.be.lessThan(cp);
    expect(plays[lb], t.out).to.match(/^\s*play #\d+ \(kube_control_plane\)/).and.match(/external-loadbalancer : haproxy config \(checked by haproxy/).and.match(/external-loadbalancer : keepalived config/);
    expect(plays[kubelet], t.out).to.match(/kube-vip : kube-vip static pod/).and.match(/kubernetes-node-loadbalancer : /);
  });

  it('run --list-tasks and --list-hosts show plays without connecting', () => {
    const t = tsplay(['run', 'playbooks/cluster.ts', '-i', 'inventory/prod.ini', '--list-tasks']);
    expect(t.code, t.err).to.equal(0);
    expect(t.out).to.match(/etcd : render \/etc\/etcd\.env/);
    const h = tsplay(['run', 'playbooks/cluster.ts', '-i', 'inventory/prod.ini', '--list-hosts', '--limit', 'k1-master02']);
    expect(h.code, h.err).to.equal(0);
    expect(h.out).to.match(/hosts \(1\):\n\s+k1-master02/);
  });
});
