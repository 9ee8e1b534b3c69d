// Restart= and RestartSec= on lab hosts (lib/lab/supervisor.ts): the daemonless systemctl starts
// a service and exits; the host's supervisor starts it again after RestartSec when its Restart=
// says so, as systemd does, and leaves alone a unit with Restart=no or one stopped with systemctl.
// The kubelet package's own unit (Restart=always, RestartSec=10) crash-loops before kubelet.conf
// exists, which is what `kubeadm init` relies on (test/lab/kube/e2e.test.ts runs that flow).
import { expect } from 'chai';
import { labSsh, labSubnet, useLab } from '../helpers/lab.js';

const NET = labSubnet(122);
const H = { name: 'rs122-a', address: `${NET}.1` };

/**
 * Logs each start (the host's uptime in seconds) and runs only once /tmp/go-NAME exists; otherwise
 * exits CODE after LINGER seconds (0: while systemctl is still starting it, which systemctl then
 * reaps itself; 1: later, reaped by the host's supervisor with its exit status).
 */
const SERVICE_SCRIPT = [
  '#!/bin/sh',
  'read up rest < /proc/uptime',
  'echo "$up" >> "/tmp/starts-$1"',
  'test -f "/tmp/go-$1" && exec sleep infinity',
  'sleep "$3"',
  'exit "$2"',
  '',
].join('\n');

function unit(name: string, restart: string, code = 3, linger = 0): string {
  return [
    '[Unit]',
    `Description=restart test ${name}`,
    '[Service]',
    `ExecStart=/usr/local/bin/rs-service ${name} ${code} ${linger}`,
    `Restart=${restart}`,
    'RestartSec=2',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

describe('lab hosts honour Restart= and RestartSec= for services started with systemctl', function () {
  this.timeout(300000);
  const lab = useLab('rs122', [H], { kubeRepo: true });
  const ok = async (cmd: string, input?: string): Promise<string> => {
    const r = await labSsh(lab(), H.name, cmd, input === undefined ? {} : { input });
    if (r.rc !== 0) throw new Error(`${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const starts = async (name: string): Promise<number[]> =>
    (await ok(`cat /tmp/starts-${name} 2>/dev/null || true`)).trim().split('\n').filter(Boolean).map(Number);
  const active = async (name: string): Promise<boolean> => (await labSsh(lab(), H.name, `systemctl is-active --quiet ${name}`)).rc === 0;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const install = async (name: string, text: string): Promise<void> => {
    await ok('cat > /usr/local/bin/rs-service && chmod 755 /usr/local/bin/rs-service', SERVICE_SCRIPT);
    await ok(`cat > /etc/systemd/system/${name}.service`, text);
    // the daemonless systemctl's is-active says "unknown" for a unit that is not enabled
    await ok(`systemctl daemon-reload && systemctl enable ${name}`);
  };

  it('Restart=always: a service that exits is started again after RestartSec, until it stays up', async () => {
    await install('flaky', unit('flaky', 'always'));
    // systemctl itself says the start failed (the service ended at once); systemd's would not
    await labSsh(lab(), H.name, 'systemctl start flaky');
    // started again after each exit, never sooner than RestartSec=2 (the machine may be slow: wait for 3 starts)
    let before: number[] = [];
    for (let i = 0; i < 60 && before.length < 3; i++) {
      await sleep(500);
      before = await starts('flaky');
    }
    expect(before.length, String(before)).to.be.at.least(3);
    for (let i = 1; i < before.length; i++) expect(before[i]! - before[i - 1]!, String(before)).to.be.at.least(1.9);
    await ok('touch /tmp/go-flaky');
    for (let i = 0; i < 20 && !(await active('flaky')); i++) await sleep(500);
    expect(await active('flaky')).to.equal(true);
    const n = (await starts('flaky')).length;
    await sleep(4000);
    expect((await starts('flaky')).length, 'a running service is not started again').to.equal(n);
  });

  it('a service stopped with systemctl stays stopped', async () => {
    await ok('systemctl stop flaky');
    const n = (await starts('flaky')).length;
    await sleep(5000);
    expect(await active('flaky')).to.equal(false);
    expect((await starts('flaky')).length).to.equal(n);
  });

  it('Restart=no: a service that exits stays down', async () => {
    await install('once', unit('once', 'no'));
    await labSsh(lab(), H.name, 'systemctl start once');
    await sleep(5000);
    expect(await starts('once')).to.have.length(1);
    expect(await active('once')).to.equal(false);
  });

  it('Restart=on-failure: a clean exit stays down, a failed one is restarted', async () => {
    await install('clean', unit('clean', 'on-failure', 0, 1));
    await install('failing', unit('failing', 'on-failure', 3, 1));
    await ok('systemctl start clean && systemctl start failing');
    // both end after 1 s; by the time the failing one has been started again, the clean one would have been too
    let failing: number[] = [];
    for (let i = 0; i < 60 && failing.length < 2; i++) {
      await sleep(500);
      failing = await starts('failing');
    }
    expect(failing.length).to.be.at.least(2);
    await sleep(1000);
    expect(await starts('clean')).to.have.length(1);
    expect(await ok('cat /run/tsplay-lab-supervisor.log')).to.contain('clean.service: main process exited, status=0; Restart=on-failure: stays down');
    await ok('systemctl stop failing');
  });

  it('the kubelet package\'s unit: a kubelet started before kubelet.conf exists is started again every RestartSec (10 s)', async () => {
    // kubeadm's package holds the drop-in that gives the kubelet --config and --kubeconfig
    await ok('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -qq -y kubeadm=1.16.3-00 kubelet=1.16.3-00 >/dev/null');
    await ok('systemctl start kubelet || true');
    const pids: string[] = [];
    for (let i = 0; i < 30 && pids.length < 3; i++) {
      const pid = (await ok("sed -n 's/^MainPID=//p' /run/kubelet.service.status 2>/dev/null || true")).trim();
      if (pid && !pids.includes(pid)) pids.push(pid);
      await sleep(1000);
    }
    expect(pids.length, `MainPIDs seen: ${pids.join(' ')}`).to.be.at.least(3);
    const log = await ok('cat /run/tsplay-lab-supervisor.log');
    expect(log).to.match(/kubelet\.service: main process exited, (status=\d+|exited while systemctl was starting it, status unknown); restart in 10s/);
    await ok('systemctl stop kubelet');
  });
});
