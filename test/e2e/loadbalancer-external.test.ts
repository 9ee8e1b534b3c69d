import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labConnectionVars } from '../../lib/lab/index.js';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { eventually, put, sh } from '../lab/kube/kubelet-helpers.js';
import { describeRun as describeAll, FIXTURES, recap, tsplay, type CliRun } from './helpers.js';

// roles/external-loadbalancer and roles/kube-vip on two lab "masters", each running a tiny HTTPS
// server on <address>:6443 in place of kube-apiserver: haproxy (Debian's, as a systemd service)
// on each master spreads loadbalancer_apiserver.port over both and keeps answering when one
// stops; keepalived.conf and kube-vip's manifest are rendered and checked but not run (a VRRP
// address and kube-vip's image cannot exist in the lab); a config keepalived refuses leaves the
// live one; --check touches nothing; a second run changes nothing. labSubnet(141).
const NET = labSubnet(141);
const M1 = 'lb141-m1';
const M2 = 'lb141-m2';
const HOSTS = [
  { name: M1, address: `${NET}.1` },
  { name: M2, address: `${NET}.2` },
];
const VIP = `${NET}.100`;
const PLAYBOOK = path.join(FIXTURES, 'loadbalancer.ts');

const describeRun = (r: CliRun): string =>
  r.events
    .filter((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable' || e.changed))
    .map((e) => JSON.stringify(e))
    .join('\n') + `\n${describeAll(r)}`;

const BACKEND = `import https from 'node:https';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
const name = hostname();
https.createServer({ key: readFileSync('/root/be.key'), cert: readFileSync('/root/be.crt') }, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(name);
}).listen(6443, process.argv[2]);
`;

describe('e2e: external API load balancer (haproxy + keepalived on the masters) and kube-vip', function () {
  this.timeout(240000);
  const lab = useLab('lb141', HOSTS);
  let inv: string;

  const run = (...more: string[]): ReturnType<typeof tsplay> => tsplay(['run', PLAYBOOK, '-i', inv, '--json', ...more]);
  const through = async (from: string, addr: string, n: number): Promise<string[]> => {
    const r = await labSsh(lab(), from, `for i in $(seq ${n}); do curl -sk --max-time 5 https://${addr}:8383/healthz; echo; done`);
    return r.stdout.trim().split('\n');
  };
  const startBackend = (h: string, addr: string): Promise<unknown> =>
    sh(lab(), h, `setsid nohup node /root/backend.mjs ${addr} </dev/null >/root/backend.log 2>&1 & echo $! > /root/backend.pid`);

  before(async function () {
    this.timeout(120000);
    // keepalived -t wants a real interface that can multicast (VRRP): the machine's first one
    const nic = (await sh(lab(), M1, "ip -o link | grep -v LOOPBACK | grep MULTICAST | awk -F': ' '{print $2; exit}' | cut -d@ -f1")).stdout.trim();
    expect(nic, 'a non-loopback interface to name in keepalived.conf').to.not.equal('');
    const conn = labConnectionVars(lab());
    inv = path.join(lab().stateDir, 'hosts.ini');
    await writeFile(
      inv,
      [
        '[all]',
        ...HOSTS.map((h) => `${h.name} ansible_host=${h.address} ansible_user=root ip=${h.address} loadbalancer_apiserver_haproxy_bind_address=${h.address}`),
        '[kube-master]',
        M1,
        M2,
        '[k8s-cluster:children]',
        'kube-master',
        '[all:vars]',
        `ansible_ssh_private_key_file=${String(conn.ansible_ssh_private_key_file)}`,
        `ansible_ssh_common_args='${String(conn.ansible_ssh_common_args)}'`,
        `loadbalancer_apiserver={'address': '${VIP}', 'port': 8383}`,
        'loadbalancer_apiserver_haproxy=True',
        'loadbalancer_apiserver_keepalived=True',
        `loadbalancer_apiserver_keepalived_interface=${nic}`,
        // no VRRP address may appear on the machine: rendered and checked only
        'loadbalancer_apiserver_keepalived_state=stopped',
        'kube_vip_enabled=True',
        'kube_vip_controlplane_enabled=True',
        `kube_vip_address=${VIP}`,
        '',
      ].join('\n'),
    );
    for (const h of HOSTS) {
      await put(lab(), h.name, '/root/backend.mjs', BACKEND);
      await sh(lab(), h.name, `openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=${h.name} -keyout /root/be.key -out /root/be.crt 2>/dev/null`);
      await startBackend(h.name, h.address);
    }
  });

  it('haproxy on each master reaches both apiservers and fails over; keepalived and kube-vip are rendered and checked; rerun changed=0', async () => {
    // --check on fresh masters: reports work, touches nothing
    const pristine = (await sh(lab(), M1, 'sha1sum /etc/haproxy/haproxy.cfg')).stdout;
    const dry = await run('--check');
    expect(dry.code, describeRun(dry)).to.equal(0);
    expect(recap(dry)[M1], describeRun(dry)).to.have.property('changed').above(2);
    expect((await sh(lab(), M1, 'sha1sum /etc/haproxy/haproxy.cfg')).stdout).to.equal(pristine);
    expect((await labSsh(lab(), M1, 'ls /etc/keepalived/keepalived.conf /etc/kubernetes/manifests/kube-vip.yml; pgrep -x haproxy')).stdout).to.equal('');

    const first = await run();
    expect(first.code, describeRun(first)).to.equal(0);
    for (const h of HOSTS) {
      expect((await sh(lab(), h.name, 'systemctl is-active haproxy')).stdout.trim(), h.name).to.equal('active');
      // stopped: no keepalived process, so no VRRP address on the machine
      expect((await labSsh(lab(), h.name, 'pgrep -x keepalived')).rc, h.name).to.equal(1);
      expect((await labSsh(lab(), h.name, 'systemctl is-enabled keepalived')).stdout.trim(), h.name).to.equal('disabled');
      const seen = await eventually(`both masters through ${h.name}'s haproxy`, 20000, async () => {
        const got = new Set(await through(h.name, h.address, 4));
        return got.has(M1) && got.has(M2) ? got : undefined;
      });
      expect([...seen].sort()).to.deep.equal([M1, M2]);
    }
    const k1 = (await sh(lab(), M1, 'cat /etc/keepalived/keepalived.conf; keepalived -t -f /etc/keepalived/keepalived.conf && echo CHECKED')).stdout;
    expect(k1).to.include('state MASTER').and.include('priority 150').and.include(`${VIP}/32`).and.include('CHECKED');
    expect((await sh(lab(), M2, 'cat /etc/keepalived/keepalived.conf')).stdout).to.include('state BACKUP').and.include('priority 149');
    // kubeadm has not run: the first master's kube-vip uses super-admin.conf, the other admin.conf
    const vip1 = (await sh(lab(), M1, 'cat /etc/kubernetes/manifests/kube-vip.yml')).stdout;
    expect(vip1).to.include(`value: "${VIP}"`).and.include('path: /etc/kubernetes/super-admin.conf').and.include('image: ghcr.io/kube-vip/kube-vip:v1.0.3');
    expect((await sh(lab(), M2, 'cat /etc/kubernetes/manifests/kube-vip.yml')).stdout).to.include('path: /etc/kubernetes/admin.conf');

    // one apiserver down: haproxy still answers every connection, from the other
    await sh(lab(), M1, 'kill $(cat /root/backend.pid)');
    expect(await through(M2, `${NET}.2`, 6)).to.deep.equal(Array(6).fill(M2));
    await startBackend(M1, `${NET}.1`);

    const again = await run();
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });

  it('a value keepalived refuses fails the run naming host, file and keepalived\'s words, and leaves the live file', async () => {
    const live = (await sh(lab(), M1, 'sha1sum /etc/keepalived/keepalived.conf; ls -a /etc/keepalived')).stdout;
    const bad = await run('-e', 'loadbalancer_apiserver_keepalived_router_id=999');
    expect(bad.code, describeRun(bad)).to.equal(2);
    const failed = bad.events.filter((e) => e.type === 'host_result' && e.status === 'failed');
    expect(failed.map((e) => e.type === 'host_result' && e.host).sort()).to.deep.equal([M1, M2]);
    expect(JSON.stringify(failed[0]), describeRun(bad)).to.include('/etc/keepalived/keepalived.conf').and.include('the file was not changed').and.include("VRID '999' not valid");
    expect((await sh(lab(), M1, 'sha1sum /etc/keepalived/keepalived.conf; ls -a /etc/keepalived')).stdout).to.equal(live);
  });

  it('refuses haproxy on the apiserver port when kube-apiserver listens on every address, saying what to do', async () => {
    const bad = await run('-e', `{"loadbalancer_apiserver": {"address": "${VIP}", "port": 6443}}`);
    expect(bad.code, describeRun(bad)).to.equal(2);
    expect(describeRun(bad)).to.include('haproxy would listen on port 6443 where kube-apiserver listens too').and.include('8383');
  });
});
