import { expect } from 'chai';
import path from 'node:path';
import { labConnectionVars } from '../../lib/lab/index.js';
import { writeFile } from 'node:fs/promises';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { eventually, installKubelet, put, sh } from '../lab/kube/kubelet-helpers.js';
import { describeRun as describeAll, FIXTURES, recap, tsplay, type CliRun } from './helpers.js';

// roles/kubernetes-node-loadbalancer on the lab: two "masters" each run a tiny HTTPS server on
// <address>:6443 (answering every path with 200 and its hostname, as an apiserver's /healthz
// answers), a worker runs the kubelet double, which runs the role's nginx-proxy / haproxy static
// pod with the real nginx / haproxy. The load balancer reaches both masters, keeps answering
// when one stops, refuses a broken config with the tool's own check without touching the live
// file, changes nothing on a second run, and --check touches nothing. labSubnet(140).
const NET = labSubnet(140);
const M1 = 'lb140-m1';
const M2 = 'lb140-m2';
const W = 'lb140-w1';
const HOSTS = [
  { name: M1, address: `${NET}.1` },
  { name: M2, address: `${NET}.2` },
  { name: W, address: `${NET}.3` },
];
const WA = `${NET}.3`;
const PLAYBOOK = path.join(FIXTURES, 'loadbalancer.ts');

/** the run's failed and changed tasks first (the tail of a long --json run may not show them) */
const describeRun = (r: CliRun): string =>
  r.events
    .filter((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable' || e.changed))
    .map((e) => JSON.stringify(e))
    .join('\n') + `\n${describeAll(r)}`;

// an apiserver stand-in: HTTPS on the host's address, 200 and the hostname for every request
const BACKEND = `import https from 'node:https';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
const name = hostname();
https.createServer({ key: readFileSync('/root/be.key'), cert: readFileSync('/root/be.crt') }, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(name);
}).listen(6443, process.argv[2]);
`;

const KUBELET_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
healthzBindAddress: ${WA}
healthzPort: 10248
fileCheckFrequency: 1s
staticPodPath: /etc/kubernetes/manifests
`;

// the kubelet needs a kubeconfig; nothing answers there, so it only runs its static pods
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://${WA}:6999
    insecure-skip-tls-verify: true
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:${W}
  name: default
current-context: default
users:
- name: system:node:${W}
  user:
    token: unused
`;

// the lab's settings (inventory vars, as a lab inventory carries them): listeners on each host's
// own address, and Debian's nginx, whose stream module is a dynamic one
const LAB_VARS = [
  'loadbalancer_apiserver_bind_address={{ ip }}',
  'loadbalancer_apiserver_healthcheck_bind_address={{ ip }}',
  'loadbalancer_apiserver_healthcheck_port=8081',
  "nginx_load_modules=['/usr/lib/nginx/modules/ngx_stream_module.so']",
  "nginx_config_validate='nginx -t -q -c %s'",
];

describe('e2e: localhost API load balancer (nginx-proxy, haproxy) in front of two masters', function () {
  this.timeout(240000);
  const lab = useLab('lb140', HOSTS);
  let inv: string;

  const run = (type: string, ...more: string[]): ReturnType<typeof tsplay> =>
    tsplay(['run', PLAYBOOK, '-i', inv, '--json', '-e', `loadbalancer_apiserver_type=${type}`, ...more]);
  /** what answers through the worker's load balancer, `n` connections one after another */
  const through = async (n: number): Promise<string[]> => {
    const r = await labSsh(lab(), W, `for i in $(seq ${n}); do curl -sk --max-time 5 https://${WA}:6443/healthz; echo; done`);
    return r.stdout.trim().split('\n');
  };
  const startBackend = (h: string, addr: string): Promise<unknown> =>
    sh(lab(), h, `setsid nohup node /root/backend.mjs ${addr} </dev/null >/root/backend.log 2>&1 & echo $! > /root/backend.pid`);
  const stopBackend = (h: string): Promise<unknown> => sh(lab(), h, 'kill $(cat /root/backend.pid)');

  before(async function () {
    this.timeout(180000);
    const conn = labConnectionVars(lab());
    inv = path.join(lab().stateDir, 'hosts.ini');
    await writeFile(
      inv,
      [
        '[all]',
        ...HOSTS.map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ip=${h.address}`),
        '[kube_control_plane]',
        M1,
        M2,
        '[kube_node]',
        W,
        '[k8s_cluster:children]',
        'kube_control_plane',
        'kube_node',
        '[all:vars]',
        `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
        `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
        ...LAB_VARS,
        '',
      ].join('\n'),
    );
    for (const h of HOSTS.slice(0, 2)) {
      await put(lab(), h.name, '/root/backend.mjs', BACKEND);
      await sh(lab(), h.name, `openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=${h.name} -keyout /root/be.key -out /root/be.crt 2>/dev/null`);
      await startBackend(h.name, h.address);
    }
    await installKubelet(lab(), W, '1.16.3');
    await put(lab(), W, '/var/lib/kubelet/config.yaml', KUBELET_CONFIG);
    await put(lab(), W, '/etc/kubernetes/kubelet.conf', KUBECONFIG, '0600');
    await sh(lab(), W, 'systemctl start kubelet');
  });

  it('--check on a fresh worker lists what it would do and touches nothing', async () => {
    const debianConf = (await sh(lab(), W, 'sha1sum /etc/nginx/nginx.conf')).stdout;
    const dry = await run('nginx', '--check');
    expect(dry.code, describeRun(dry)).to.equal(0);
    expect(recap(dry)[W], describeRun(dry)).to.have.property('changed').above(1);
    // control planes bind the apiserver to '::' (kubespray's default): no load balancer there
    expect(recap(dry)[M1], describeRun(dry)).to.include({ changed: 0 });
    expect((await sh(lab(), W, 'sha1sum /etc/nginx/nginx.conf')).stdout).to.equal(debianConf);
    expect((await labSsh(lab(), W, 'ls /etc/kubernetes/manifests/')).stdout).to.equal('');
  });

  it('nginx-proxy: proxies to both masters, fails over, reruns with changed=0, refuses a broken config', async () => {
    const first = await run('nginx');
    expect(first.code, describeRun(first)).to.equal(0);
    expect(recap(first)[W], describeRun(first)).to.include({ failed: 0 }).and.have.property('changed').above(1);
    const conf = (await sh(lab(), W, 'cat /etc/nginx/nginx.conf')).stdout;
    expect(conf).to.include(`server ${NET}.1:6443;\n    server ${NET}.2:6443;`).and.include(`listen        ${WA}:6443;`);
    const manifest = (await sh(lab(), W, 'cat /etc/kubernetes/manifests/nginx-proxy.yml')).stdout;
    expect(manifest).to.match(/nginx-cfg-checksum: "[0-9a-f]{40}"/).and.include('image: docker.io/library/nginx:');

    // the kubelet double runs the real nginx from the static pod; both masters answer through it
    const seen = await eventually('both masters through nginx', 30000, async () => {
      const got = new Set(await through(6));
      return got.has(M1) && got.has(M2) ? got : undefined;
    });
    expect([...seen].sort()).to.deep.equal([M1, M2]);
    expect((await sh(lab(), W, 'pgrep -x nginx | wc -l')).stdout.trim()).to.not.equal('0');
    expect((await sh(lab(), W, `curl -s -o /dev/null -w '%{http_code}' http://${WA}:8081/healthz`)).stdout).to.equal('200');

    // one master down: every connection still answered, by the other
    await stopBackend(M1);
    expect(await through(6)).to.deep.equal(Array(6).fill(M2));
    await startBackend(M1, `${NET}.1`);

    const again = await run('nginx');
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });

    // a value nginx refuses: the run fails naming host, file and nginx's words; the live file stays
    const live = (await sh(lab(), W, 'sha1sum /etc/nginx/nginx.conf; ls /etc/nginx | sort')).stdout;
    const bad = await run('nginx', '-e', 'loadbalancer_apiserver_keepalive_timeout=forever');
    expect(bad.code, describeRun(bad)).to.equal(2);
    const failure = bad.events.find((e) => e.type === 'host_result' && e.host === W && e.status === 'failed');
    const msg = JSON.stringify(failure);
    expect(msg, describeRun(bad)).to.include('/etc/nginx/nginx.conf').and.include('the file was not changed').and.include('keepalive_timeout');
    expect(describeRun(bad)).to.include(W);
    expect((await sh(lab(), W, 'sha1sum /etc/nginx/nginx.conf; ls /etc/nginx | sort')).stdout).to.equal(live);
    expect(new Set(await through(4)).size).to.be.above(0);
  });

  it('haproxy: replaces nginx-proxy, proxies to both masters, fails over, reruns with changed=0, refuses a broken config', async () => {
    const first = await run('haproxy');
    expect(first.code, describeRun(first)).to.equal(0);
    expect((await labSsh(lab(), W, 'ls /etc/kubernetes/manifests/')).stdout).to.equal('haproxy.yml\n');
    const cfg = (await sh(lab(), W, 'cat /etc/haproxy/haproxy.cfg')).stdout;
    expect(cfg).to.include(`server ${M1} ${NET}.1:6443 check check-ssl verify none`).and.include(`bind ${WA}:6443`);

    await eventually('haproxy instead of nginx', 30000, async () => (await labSsh(lab(), W, 'pgrep -x haproxy && ! pgrep -x nginx')).rc === 0);
    const seen = await eventually('both masters through haproxy', 30000, async () => {
      const got = new Set(await through(6));
      return got.has(M1) && got.has(M2) ? got : undefined;
    });
    expect([...seen].sort()).to.deep.equal([M1, M2]);
    expect((await sh(lab(), W, `curl -s -o /dev/null -w '%{http_code}' http://${WA}:8081/healthz`)).stdout).to.equal('200');

    await stopBackend(M2);
    expect(await through(6)).to.deep.equal(Array(6).fill(M1));
    await startBackend(M2, `${NET}.2`);

    const again = await run('haproxy');
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });

    const live = (await sh(lab(), W, 'sha1sum /etc/haproxy/haproxy.cfg; ls /etc/haproxy | sort')).stdout;
    const bad = await run('haproxy', '-e', 'loadbalancer_apiserver_keepalive_timeout=forever');
    expect(bad.code, describeRun(bad)).to.equal(2);
    const failure = bad.events.find((e) => e.type === 'host_result' && e.host === W && e.status === 'failed');
    expect(JSON.stringify(failure), describeRun(bad)).to.include('/etc/haproxy/haproxy.cfg').and.include('the file was not changed').and.include('timeout client');
    expect((await sh(lab(), W, 'sha1sum /etc/haproxy/haproxy.cfg; ls /etc/haproxy | sort')).stdout).to.equal(live);
  });
});
