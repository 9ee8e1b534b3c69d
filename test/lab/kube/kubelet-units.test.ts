// The kubelet double's pure parts: flags per version, config durations, image → host program,
// node labels/taints, node conditions. No lab needed.
import { expect } from 'chai';
import { parseVersion, type SemVer } from '../../../lib/lab/kube/common/versions.js';
import { parseDuration } from '../../../lib/lab/kube/kubelet/config.js';
import { mapPath, parseImage, planExec } from '../../../lib/lab/kube/kubelet/images.js';
import { parseKubeletFlags } from '../../../lib/lab/kube/kubelet/kubelet-flags.js';
import { conditions, parseNodeLabels, parseTaints } from '../../../lib/lab/kube/kubelet/node-info.js';
import { readPodSpec } from '../../../lib/lab/kube/kubelet/pod-spec.js';
import { preStopSeconds, removalDelayMs } from '../../../lib/lab/kube/kubelet/termination.js';

const v = (s: string): SemVer => parseVersion(s)!;

describe('kubelet double: flags, config, images, node info', () => {
  it('accepts a removed flag up to the release before its removal, refuses it from then on', () => {
    expect(parseKubeletFlags(['--allow-privileged=true'], v('1.14.3')).flags.get('allow-privileged')).to.equal('true');
    expect(() => parseKubeletFlags(['--allow-privileged=true'], v('1.15.6'))).to.throw('unknown flag: --allow-privileged');
    expect(() => parseKubeletFlags(['--container-runtime=remote'], v('1.36.4'))).to.throw('unknown flag: --container-runtime');
    expect(() => parseKubeletFlags(['--cadvisor-port=0'], v('1.14.3'))).to.throw('unknown flag: --cadvisor-port');
    expect(() => parseKubeletFlags(['--no-such-flag'], v('1.16.3'))).to.throw('unknown flag: --no-such-flag');
    expect(() => parseKubeletFlags(['--config-dir=/x'], v('1.18.5'))).to.throw('unknown flag: --config-dir');
  });

  it('reads the drop-in\'s command line: -v, bools without values, repeated flags', () => {
    const f = parseKubeletFlags(['--kubeconfig=/etc/kubernetes/kubelet.conf', '-v', '2', '--fail-swap-on', '--node-ip', '10.0.0.1'], v('1.16.3'));
    expect(f.flags.get('v')).to.equal('2');
    expect(f.flags.get('fail-swap-on')).to.equal('true');
    expect(f.flags.get('node-ip')).to.equal('10.0.0.1');
    expect(() => parseKubeletFlags(['--fail-swap-on=maybe'], v('1.16.3'))).to.throw('invalid argument "maybe" for "--fail-swap-on" flag');
  });

  it('parses Go durations and rejects others', () => {
    expect(parseDuration('10s')).to.equal(10000);
    expect(parseDuration('1m0s')).to.equal(60000);
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('1h30m')).to.equal(5400000);
    expect(parseDuration('10')).to.equal(null);
    expect(parseDuration('s10')).to.equal(null);
  });

  it('maps images to host programs: doubles at the tag version, real etcd/haproxy/nginx, commands on PATH, a placeholder', () => {
    expect(parseImage('registry.k8s.io/kube-apiserver:v1.31.2')).to.deep.equal({ name: 'kube-apiserver', tag: 'v1.31.2' });
    expect(parseImage('nginx')).to.deep.equal({ name: 'nginx', tag: 'latest' });
    const api = planExec('k8s.gcr.io/kube-apiserver:v1.16.3', ['kube-apiserver', '--etcd-servers=https://10.0.0.1:2379'], [], { PATH: '/usr/bin' }, {});
    expect(api.file).to.equal('/usr/bin/node');
    expect(api.args).to.deep.equal(['/usr/lib/kubelet-double/images/kube-apiserver.mjs', '--etcd-servers=https://10.0.0.1:2379']);
    expect(api.env['TSPLAY_KUBE_VERSION']).to.equal('1.16.3');
    const etcd = planExec('registry.k8s.io/etcd:3.5.15-0', ['etcd', '--data-dir=/var/lib/etcd'], [], {}, { '/var/lib/etcd': '/data/etcd' });
    expect([etcd.file, etcd.argv0, ...etcd.args]).to.deep.equal(['/usr/bin/etcd', 'etcd', '--data-dir=/data/etcd']);
    const lb = planExec('docker.io/library/haproxy:2.8', [], [], {}, { '/usr/local/etc/haproxy': '/etc/haproxy' });
    expect([lb.file, ...lb.args]).to.deep.equal(['/usr/sbin/haproxy', '-W', '-db', '-f', '/etc/haproxy/haproxy.cfg']);
    const sleep = planExec('busybox', ['sleep', '5'], [], { PATH: '/usr/bin:/bin' }, {});
    expect([sleep.file, sleep.argv0, ...sleep.args]).to.deep.equal(['/usr/bin/sleep', 'sleep', '5']);
    const none = planExec('registry.k8s.io/coredns/coredns:v1.11.1', [], ['-conf', '/etc/coredns/Corefile'], { PATH: '/usr/bin' }, {});
    expect([none.file, ...none.args]).to.deep.equal(['/usr/bin/sleep', 'infinity']);
  });

  it('maps hostPath mounts only on path boundaries', () => {
    const m = { '/etc/kubernetes/pki': '/srv/pki' };
    expect(mapPath('--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', m)).to.equal('--tls-cert-file=/srv/pki/apiserver.crt');
    expect(mapPath('/etc/kubernetes/pkix', m)).to.equal('/etc/kubernetes/pkix');
  });

  it("maps a mountPath written with a trailing '/' (kubespray's haproxy pod) as the same directory", () => {
    const m = { '/usr/local/etc/haproxy/': '/etc/haproxy' };
    expect(mapPath('/usr/local/etc/haproxy/haproxy.cfg', m)).to.equal('/etc/haproxy/haproxy.cfg');
    expect(mapPath('/usr/local/etc/haproxy', m)).to.equal('/etc/haproxy');
    expect(mapPath('/usr/local/etc/haproxyx', m)).to.equal('/usr/local/etc/haproxyx');
  });

  it('reads manifests and names what is wrong with a bad one', () => {
    const p = readPodSpec({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }], terminationGracePeriodSeconds: 5 } }, 'a.yaml');
    expect(p.namespace).to.equal('default');
    expect(p.terminationGracePeriodSeconds).to.equal(5);
    expect(() => readPodSpec({ kind: 'Pod', metadata: { name: 'a' }, spec: {} }, '/m/a.yaml')).to.throw('/m/a.yaml: spec.containers: Required value');
    expect(() => readPodSpec({ kind: 'Deployment', metadata: { name: 'a' } }, 'd.yaml')).to.throw('d.yaml: kind is "Deployment", not "Pod"');
  });

  it('node labels: node-role accepted before 1.16, refused after; kubelet/node prefixes allowed', () => {
    expect(parseNodeLabels('node-role.kubernetes.io/master=,zone=a', v('1.15.6'))).to.deep.equal({ 'node-role.kubernetes.io/master': '', zone: 'a' });
    expect(() => parseNodeLabels('node-role.kubernetes.io/master=', v('1.16.3'))).to.throw("unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [node-role.kubernetes.io/master]");
    expect(parseNodeLabels('node.kubernetes.io/pool=a,kubernetes.io/os=linux', v('1.35.2'))).to.deep.equal({ 'node.kubernetes.io/pool': 'a', 'kubernetes.io/os': 'linux' });
  });

  it('taints from --register-with-taints', () => {
    expect(parseTaints('node-role.kubernetes.io/master=:NoSchedule,dedicated=db:NoExecute,x:PreferNoSchedule')).to.deep.equal([
      { key: 'node-role.kubernetes.io/master', value: '', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'db', effect: 'NoExecute' },
      { key: 'x', effect: 'PreferNoSchedule' },
    ]);
    expect(() => parseTaints('bad')).to.throw('invalid taint spec: bad');
  });

  it('Ready is False with the runtime\'s CNI message of the era until a CNI config exists', () => {
    const ready = (ok: boolean, ver: string) => conditions(ok, v(ver)).find((c) => c.type === 'Ready')!;
    expect(ready(false, '1.16.3').message).to.equal('runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized');
    expect(ready(false, '1.35.2')).to.include({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' });
    expect(ready(true, '1.35.2')).to.include({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  });

  it('a deleted pod stops after its longest preStop sleep plus a second, never after its grace period ends', () => {
    expect(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['sleep', '15'] } } } })).to.equal(15);
    expect(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'nginx -s quit; sleep 5'] } } } })).to.equal(5);
    expect(preStopSeconds({ lifecycle: { preStop: { sleep: { seconds: 7 } } } })).to.equal(7);
    expect(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['/usr/bin/drain-connections'] } } } })).to.equal(0);
    const now = Date.parse('2026-12-02T06:00:00Z');
    const spec = { containers: [{ name: 'a' }, { name: 'b', lifecycle: { preStop: { sleep: { seconds: 10 } } } }] };
    expect(removalDelayMs(spec, '2026-12-02T06:00:30Z', now)).to.equal(11000);
    expect(removalDelayMs(spec, '2026-12-02T06:00:04Z', now)).to.equal(4000);
    expect(removalDelayMs({ containers: [{ name: 'a' }] }, '2026-12-02T06:05:00Z', now)).to.equal(1000);
    expect(removalDelayMs(spec, '2026-12-02T05:59:00Z', now)).to.equal(0);
  });
});
