import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';
import { controllerKubectl, hostFootprints, nodesOnceReady, seedExtraVars, within, writeClusterInventory } from './cluster-lab.js';
import { clusterHosts, describeRun as describeAll, hostResults, recap, REPO, tsplay, type CliRun } from './helpers.js';

// cluster.ts with seed 000/002's HA topology: three masters with stacked etcd
// (etcd_deployment_type: kubeadm, seed 001: kubeadm runs the real etcd as a static pod, no etcd
// role), one worker, and the external load balancer loadbalancer_apiserver that tsplay builds on
// the masters (roles/external-loadbalancer: haproxy on every master, Debian's, as a systemd
// service; keepalived rendered and checked by `keepalived -t` but not run, as no VRRP address may
// appear on this machine). The load balancer's address is the first master's own: its haproxy
// (port 8383, beside the apiservers' 6443) is what every kubeconfig names. The inventory spells
// the groups the current way (kube_control_plane, kube_node, k8s_cluster). One install, one
// rerun, one HA proof: the first master's kube-apiserver down, the API still answers through
// <master1>:8383 and the worker keeps reporting. labSubnet(131).
const CLUSTER = path.join(REPO, 'playbooks/cluster.ts');
const SUBNET = labSubnet(131);
const HOSTS = clusterHosts(SUBNET, 3, 1);
const MASTERS = HOSTS.slice(0, 3);
const M1 = MASTERS[0]!;
const W1 = HOSTS[3]!;
const VERSION = '1.35.2';
const LB = `${M1.address}:8383`;

/** The failed and changed results first (the run's tail is mostly its timings), then the tail. */
const describeRun = (r: CliRun): string =>
  r.events
    .filter((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable' || e.changed))
    .map((e) => JSON.stringify(e).slice(0, 3000))
    .join('\n') + `\n${describeAll(r)}`;


describe('e2e: cluster.ts with stacked etcd on 3 masters behind the external load balancer, current group names', function () {
  this.timeout(1200000);
  const lab = useLab('e2e-stacked', HOSTS, { kubeRepo: true });
  let kubeconfig: string;
  const sh = async (host: string, cmd: string): Promise<string> => {
    const r = await labSsh(lab(), host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}: ${r.stderr}`);
    return r.stdout;
  };
  /** the real kubectl on the controller with artifacts/admin.conf (server: the load balancer) */
  const kubectl = (args: string[]): Promise<{ rc: number; out: string }> => controllerKubectl(kubeconfig, ['--request-timeout=5s', ...args]);

  it('--check on fresh hosts touches nothing and plans the load balancer on the masters; installs 3 stacked masters + 1 worker through the load balancer: every node Ready, 3 etcd members, haproxy on each master, keepalived checked; a rerun changes nothing', async () => {
    // keepalived -t wants a real interface that can multicast (VRRP): the machine's first one
    const nic = (await sh(M1.name, "ip -o link | grep -v LOOPBACK | grep MULTICAST | awk -F': ' '{print $2; exit}' | cut -d@ -f1")).trim();
    expect(nic, 'a non-loopback interface to name in keepalived.conf').to.not.equal('');
    const inv = await writeClusterInventory(lab(), lab().stateDir, {
      legacyGroups: false,
      extra: [
        `loadbalancer_apiserver={'address': '${M1.address}', 'port': 8383}`,
        'loadbalancer_apiserver_haproxy=True',
        // lab hosts share one network namespace: each haproxy on its own host's address
        "loadbalancer_apiserver_haproxy_bind_address='{{ ip }}'",
        'loadbalancer_apiserver_keepalived=True',
        `loadbalancer_apiserver_keepalived_interface=${nic}`,
        // no VRRP address may appear on the machine: rendered and checked only
        'loadbalancer_apiserver_keepalived_state=stopped',
        '',
      ].join('\n'),
    });
    const extra = path.join(lab().stateDir, 'extra-vars.yml');
    await writeFile(extra, seedExtraVars(VERSION) + 'etcd_deployment_type: kubeadm\n');
    kubeconfig = path.join(lab().stateDir, 'artifacts/admin.conf');

    // --check on the fresh hosts first: nothing installed, written or started, and the plan names
    // the load balancer's steps on every master (on the worker none)
    const before = await hostFootprints(lab(), HOSTS);
    const check = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--check', '--json']);
    expect(check.code, describeRun(check)).to.equal(0);
    expect(await hostFootprints(lab(), HOSTS)).to.deep.equal(before);
    const would = (host: string): string[] => hostResults(check).filter((r) => r.host === host && r.changed).map((r) => r.task);
    const LB_STEPS = ['haproxy config (checked by haproxy before it is put in place)', 'keepalived config (checked by keepalived before it is put in place)'];
    for (const m of MASTERS) expect(would(m.name), m.name).to.include.members([...LB_STEPS, 'kubeadm, kubelet and kubectl at kube_version']);
    expect(would(W1.name)).to.include('kubeadm, kubelet and kubectl at kube_version');
    for (const step of LB_STEPS) expect(would(W1.name)).to.not.include(step);

    const first = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(first.code, describeRun(first)).to.equal(0);

    // the controller's kubeconfig names the load balancer, and every node is Ready through it
    expect(await readFile(kubeconfig, 'utf8')).to.match(new RegExp(`\\n\\s*server: https://${LB.replace(/\./g, '\\.')}\\n`));
    const nodes = await nodesOnceReady(kubeconfig, HOSTS.length);
    for (const h of HOSTS) expect(nodes, nodes).to.match(new RegExp(`\\n${h.name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v${VERSION.replace(/\./g, '\\.')}\\n`));

    // stacked etcd: a static pod on every master, no etcd role; three members of one cluster
    for (const m of MASTERS) {
      const m1 = await labSsh(lab(), m.name, 'ls /etc/kubernetes/manifests; test -e /etc/etcd.env && echo etcd.env');
      expect(m1.stdout, m.name).to.include('etcd.yaml').and.include('kube-apiserver.yaml').and.not.include('etcd.env');
    }
    const members = await sh(
      M1.name,
      `ETCDCTL_API=3 etcdctl --endpoints https://${M1.address}:2379 --cacert /etc/kubernetes/ssl/etcd/ca.crt ` +
        '--cert /etc/kubernetes/ssl/etcd/healthcheck-client.crt --key /etc/kubernetes/ssl/etcd/healthcheck-client.key member list',
    );
    const started = members.trim().split('\n').filter((l) => /, started, /.test(l));
    expect(started, members).to.have.length(3);
    for (const m of MASTERS) expect(members).to.include(`, ${m.name}, https://${m.address}:2380,`);

    // the external load balancer: haproxy on every master, on its own address, over the three apiservers
    for (const m of MASTERS) {
      expect((await sh(m.name, 'systemctl is-active haproxy')).trim(), m.name).to.equal('active');
      expect(await sh(m.name, `ss -Hltnp 'sport = :8383'`), m.name).to.include(`${m.address}:8383`).and.include('"haproxy"');
      const cfg = await sh(m.name, 'cat /etc/haproxy/haproxy.cfg');
      for (const b of MASTERS) expect(cfg, m.name).to.include(`server ${b.name} ${b.address}:6443 check`);
      // keepalived.conf rendered and accepted by keepalived itself, the service not running
      const k = await sh(m.name, 'cat /etc/keepalived/keepalived.conf; keepalived -t -f /etc/keepalived/keepalived.conf && echo CHECKED');
      expect(k, m.name).to.include(`${M1.address}/32`).and.include(m === M1 ? 'state MASTER' : 'state BACKUP').and.include('CHECKED');
      expect((await labSsh(lab(), m.name, 'pgrep -x keepalived')).rc, m.name).to.equal(1);
    }
    // every kubeconfig names the load balancer (kubespray's kube_apiserver_endpoint with
    // loadbalancer_apiserver defined); no localhost load balancer (loadbalancer_apiserver_localhost
    // is false by default when loadbalancer_apiserver is defined)
    for (const h of HOSTS) {
      const confs = h === W1 ? '/etc/kubernetes/kubelet.conf' : '/etc/kubernetes/kubelet.conf /etc/kubernetes/admin.conf';
      const servers = await sh(h.name, `grep -hE "^\\s*server:" ${confs}`);
      expect(servers, h.name).to.equal(`    server: https://${LB}\n`.repeat(h === W1 ? 1 : 2));
    }
    expect(await sh(W1.name, 'ls /etc/kubernetes/manifests')).to.equal('');
    // the API certificate names the load balancer address
    expect(await sh(M1.name, 'openssl x509 -noout -in /etc/kubernetes/ssl/apiserver.crt -checkip ' + M1.address)).to.include('does match');
    expect(await sh(M1.name, 'cat /etc/kubernetes/kubeadm-config.yaml')).to.include(`controlPlaneEndpoint: ${LB}\n`);

    const again = await tsplay(['run', CLUSTER, '-i', inv, '-e', `@${extra}`, '--json']);
    expect(again.code, describeRun(again)).to.equal(0);
    for (const h of HOSTS) expect(recap(again)[h.name], `${h.name}: ${describeRun(again)}`).to.include({ changed: 0, failed: 0 });
  });

  it("the first master's kube-apiserver down: the API answers through its haproxy (the load balancer address) and the worker keeps reporting", async () => {
    const lease = async (): Promise<string> => {
      const r = await kubectl(['-n', 'kube-node-lease', 'get', 'lease', W1.name, '-o', 'jsonpath={.spec.renewTime}']);
      expect(r.rc, r.out).to.equal(0);
      return r.out.trim();
    };
    // the kubelet stops the apiserver whose manifest went away (etcd there keeps running)
    await sh(M1.name, 'mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/kube-apiserver.yaml');
    try {
      const gone = await within(60000, async () => ((await sh(M1.name, `ss -Hltn 'sport = :6443' | grep -F '${M1.address}:6443' || true`)).trim() === '' ? true : undefined));
      expect(gone, `${M1.name}: kube-apiserver still listens on ${M1.address}:6443`).to.equal(true);
      const direct = await controllerKubectl(kubeconfig, ['--server', `https://${M1.address}:6443`, '--request-timeout=5s', 'get', 'nodes']);
      expect(direct.rc, direct.out).to.not.equal(0);
      // through the load balancer (the first master's haproxy): every request answered, by the other two
      for (let i = 0; i < 6; i++) {
        const r = await kubectl(['get', 'nodes', '--no-headers']);
        expect(r.rc, `request ${i + 1} through ${LB}: ${r.out}`).to.equal(0);
      }
      // the worker's kubelet (kubelet.conf: the load balancer) renews its lease after the apiserver went away
      const since = await lease();
      const renewed = await within(60000, async () => ((await lease()) !== since ? true : undefined));
      expect(renewed, `${W1.name}'s lease was not renewed through ${LB} within 60 s`).to.equal(true);
      const s = (await kubectl(['get', 'node', W1.name, '--no-headers'])).out;
      expect(s).to.match(new RegExp(`^${W1.name}\\s+Ready\\s`));
    } finally {
      await sh(M1.name, 'test -e /root/kube-apiserver.yaml && mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/ || true');
    }
    const back = await within(90000, async () => {
      const r = await controllerKubectl(kubeconfig, ['--server', `https://${M1.address}:6443`, '--request-timeout=5s', 'get', 'nodes', '--no-headers']);
      return r.rc === 0 && (r.out.match(/\sReady\s/g) ?? []).length === HOSTS.length ? true : undefined;
    });
    expect(back, `${M1.name}'s kube-apiserver came back and every node is Ready`).to.equal(true);
  });
});
