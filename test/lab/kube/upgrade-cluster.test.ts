// playbooks/upgrade-cluster.ts on the lab (issue 13, seed 004), one small cluster for every case:
// a 1.16.3 master and two workers built as the install guides build them (labflow.ts: apt, kubeadm
// init, CNI config, kubeadm join), the doubles of kubeadm/kubelet/kube-apiserver, real etcd, real
// kubectl. Then, in seed 004's order, with no facts cache: the guard refuses 1.16.3 → 1.18.5 naming
// the path; --check prints the plan and cordons nothing; the masters go to 1.17.7 with --limit; a
// PDB that allows no disruption stops the worker run before any cordon; once fixed, --limit
// k1-node01 finishes (drain progress shown); a kubelet that will not start (the lab's fault
// switch) is rolled back and the node left Ready and schedulable at 1.16.3; once fixed, the rest
// finishes; and a rerun of the finished upgrade changes nothing. On the way, kubespray's pauses and
// fallback: upgrade_node_confirm / upgrade_node_post_upgrade_confirm refused without a terminal and
// answered on one (a pty: `script`), upgrade_node_pause_seconds before the cordon, and
// drain_fallback_enabled draining a node whose pod a PodDisruptionBudget protects (--disable-eviction).
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labUp, type LabState } from '../../../lib/lab/index.js';
import { initConfig116, initScript, joinCommandOf, kubeletExtraArgsScript, prepareNodeScript, writeCniScript } from '../../../lib/lab/kube/packages/labflow.js';
import { labSsh, labSubnet, tempStateDir } from '../../helpers/lab.js';
import { dropLab, writePathInventory } from './upgrade-path-lab.js';
import { spawn } from 'node:child_process';
import { parseEvents, REPO, tsplay, type CliRun } from '../../e2e/helpers.js';

const NET = labSubnet(160);
const MASTER = { name: 'k1-master01', address: `${NET}.1` };
const NODE1 = { name: 'k1-node01', address: `${NET}.2` };
const NODE2 = { name: 'k1-node02', address: `${NET}.3` };
const HOSTS = [MASTER, NODE1, NODE2];
const KUBECTL = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
// what a kubespray inventory of this cluster would say beyond its groups: the kubeadm-built etcd
// is stacked (kubeadm and kubectl are the packages', in kube_packages_bin_dir, /usr/bin)
const EXTRA = ['-e', 'etcd_deployment_type=kubeadm'];

/** A prompt the run shows and what to type at it; `check` runs while the run waits for the answer. */
interface Answer { prompt: string; type: string; check?: () => Promise<unknown> }

/**
 * `tsplay ARGS --json` with a terminal (a pty from util-linux `script`), answering each prompt in
 * turn as a person would. The JSON event lines are read from the terminal's output.
 */
function tsplayTty(args: string[], answers: Answer[]): Promise<CliRun & { answered: number }> {
  const q = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, path.join(REPO, 'bin/tsplay.js'), ...args, '--no-retry-file'].map(q).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let next = 0;
    let from = 0;
    let busy = false;
    const errors: unknown[] = [];
    const look = (): void => {
      const a = answers[next];
      if (busy || !a) return;
      const at = stdout.indexOf(a.prompt, from);
      if (at < 0) return;
      busy = true;
      from = at + a.prompt.length;
      void (a.check ?? (() => Promise.resolve()))()
        .catch((e: unknown) => errors.push(e))
        .finally(() => {
          child.stdin.write(`${a.type}\r`);
          next++;
          busy = false;
          look();
        });
    };
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); look(); });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new Error(`could not start util-linux's script (bsdutils) for a terminal: ${e.message}`)));
    child.on('close', (code) => {
      child.stdin.end();
      if (errors.length) return reject(errors[0] instanceof Error ? errors[0] : new Error(String(errors[0])));
      const lines = stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('{'));
      resolve({ code: code ?? -1, stdout, stderr, events: parseEvents(lines.join('\n')), answered: next });
    });
  });
}

describe('upgrade-cluster.ts on the lab: 1.16.3 → 1.17.7 as seed 004 does it, and what makes it safer', function () {
  this.timeout(900000);
  let state: LabState | undefined;
  let stateDir: string | undefined;
  let dir = '';
  let inventory = '';
  const ok = async (host: string, cmd: string): Promise<string> => {
    const r = await labSsh(state!, host, cmd);
    if (r.rc !== 0) throw new Error(`${host}: ${cmd}: exit ${r.rc}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const kubectl = (args: string): Promise<string> => ok(MASTER.name, `${KUBECTL} ${args}`);
  const run = (...args: string[]): Promise<CliRun> => tsplay(['run', 'playbooks/upgrade-cluster.ts', '-i', inventory, ...EXTRA, ...args]);
  const out = (r: CliRun): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  /** node → "VERSION unschedulable?" as the API has it */
  const nodes = async (): Promise<Record<string, string>> => {
    const text = await kubectl(`get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.nodeInfo.kubeletVersion} {.spec.unschedulable}{"\\n"}{end}'`);
    return Object.fromEntries(text.trim().split('\n').map((l) => { const [n, v, u] = l.split(' '); return [n!, `${v}${u === 'true' ? ' cordoned' : ''}`]; }));
  };
  const pkg = (host: string, name: string): Promise<string> => ok(host, `dpkg-query -W -f='\${Version} \${Status}' ${name}`);
  const waitFor = async (what: string, probe: () => Promise<boolean>, seconds = 120): Promise<void> => {
    for (let i = 0; i < seconds; i++) {
      if (await probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  /** the `k1-node01`-style name → what `kubectl get nodes` shows it as (Ready or not) */
  const readyOf = async (name: string): Promise<string> =>
    (await kubectl(`get node ${name} -o jsonpath='{range .status.conditions[?(@.type=="Ready")]}{.status}{end}'`)).trim();

  before(async function () {
    this.timeout(900000);
    stateDir = await tempStateDir('upg160');
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsplay-upgrade-'));
    state = await labUp(HOSTS, { stateDir, kubeRepo: true });
    await Promise.all(HOSTS.map((h) => ok(h.name, `${prepareNodeScript('1.16.3-00')} && ${writeCniScript()}`)));
    await labSsh(state, MASTER.name, 'cat > /etc/kubernetes/kubeadm-config.yaml', { input: initConfig116(MASTER.name, MASTER.address) });
    const init = await ok(MASTER.name, initScript('/etc/kubernetes/kubeadm-config.yaml'));
    const join = joinCommandOf(init);
    expect(join, init).to.not.equal('');
    for (const w of [NODE1, NODE2]) {
      await ok(w.name, kubeletExtraArgsScript(w.address));
      await ok(w.name, `${join} --ignore-preflight-errors=DirAvailable--etc-kubernetes-manifests 2>&1`);
    }
    await waitFor('three Ready nodes', async () => (await Promise.all(HOSTS.map((h) => readyOf(h.name)))).every((s) => s === 'True'));
    inventory = path.join(dir, 'inventory.ini');
    // kubespray's inventory shape (seed 004), legacy group names
    await writePathInventory(state, inventory, [MASTER], [NODE1, NODE2]);
  });
  after(async function () {
    this.timeout(120000);
    await dropLab(stateDir, dir);
  });

  /** the command line a task ran (its result's cmd), from --json events */
  const cmdOf = (r: CliRun, task: string): string => {
    const ev = r.events.find((e) => e.type === 'host_result' && e.task === task && e.status !== 'skipped');
    const cmd = ev && ev.type === 'host_result' ? ev.result?.['cmd'] : undefined;
    return Array.isArray(cmd) ? cmd.join(' ') : String(cmd);
  };
  const kube117 = 'kube_version=1.17.7';
  const ALL_OLD = { 'k1-master01': 'v1.16.3', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' };

  it('refuses 1.16.3 → 1.18.5 before touching anything, naming the path 1.16.3 → 1.17.7 → 1.18.5', async () => {
    const r = await run('-e', 'kube_version=1.18.5');
    expect(r.code, out(r)).to.equal(2);
    expect(r.stdout).to.contain('version path guard: refusing to upgrade to 1.18.5; nothing was changed.');
    expect(r.stdout).to.contain('Take the path 1.16.3 → 1.17.7 → 1.18.5, one run per step (first -e kube_version=1.17.7)');
    // the control-plane and worker plays never started
    expect(r.stdout).to.not.match(/cordon node|drain node|kubeadm upgrade apply/);
    expect(await nodes()).to.deep.equal(ALL_OLD);
    for (const h of HOSTS) expect(await pkg(h.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
    expect(await ok(MASTER.name, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml")).to.contain('kube-apiserver:v1.16.3');
  });

  it('--check prints the plan (verdict, nodes, batches, packages) and cordons, drains and installs nothing', async () => {
    const r = await run('--check', '--diff', '-e', 'kube_version=1.17.7', '-e', 'serial=1');
    expect(r.code, out(r)).to.equal(0);
    expect(r.stdout).to.contain('version path: API server v1.16.3 → 1.17.7: allowed (one minor at most)');
    expect(r.stdout).to.contain('k1-master01: v1.16.3 → v1.17.7 (control plane)');
    expect(r.stdout).to.contain('worker batch 1/2: k1-node01');
    expect(r.stdout).to.contain('worker batch 2/2: k1-node02');
    expect(r.stdout).to.contain('would cordon and drain k1-master01: 0 pod(s) to evict');
    expect(r.stdout).to.contain('would cordon and drain k1-node01: 0 pod(s) to evict');
    expect(r.stdout).to.contain('packages: kubelet, kubectl, kubeadm → 1.17.7-00 (pinned, held) on k1-master01, k1-node01, k1-node02');
    expect(r.stdout).to.not.match(/FAILED - RETRYING/);
    expect(await nodes()).to.deep.equal(ALL_OLD);
    for (const h of HOSTS) expect(await pkg(h.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
    expect(await ok(MASTER.name, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml")).to.contain('kube-apiserver:v1.16.3');
  });

  it('upgrades the masters with --limit (seed 004): kubeadm upgrade apply, kubelet and kubectl pinned and held; workers untouched', async () => {
    const r = await run('-e', 'kube_version=1.17.7', '--limit', MASTER.name, '--json');
    expect(r.code, out(r)).to.equal(0);
    expect(cmdOf(r, 'kubeadm upgrade apply (first control plane)')).to.equal(
      'timeout -k 600s 600s /usr/bin/kubeadm upgrade apply -y v1.17.7 --certificate-renewal=true --config=/etc/kubernetes/kubeadm-config.yaml --ignore-preflight-errors=all --allow-experimental-upgrades --etcd-upgrade=true --force',
    );
    expect(cmdOf(r, 'cordon node')).to.equal('/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf cordon k1-master01');
    expect(cmdOf(r, 'uncordon node')).to.equal('/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon k1-master01');
    // the worker play had no host: nothing else was touched
    expect(r.events.filter((e) => e.type === 'host_result' && e.host !== MASTER.name)).to.deep.equal([]);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' });
    for (const p of ['kubeadm', 'kubelet', 'kubectl']) expect(await pkg(MASTER.name, p)).to.equal('1.17.7-00 hold ok installed');
    for (const w of [NODE1, NODE2]) expect(await pkg(w.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
    expect(JSON.parse(await kubectl('version -o json')).serverVersion.gitVersion).to.equal('v1.17.7');
    expect(await ok(MASTER.name, 'grep kubernetesVersion /etc/kubernetes/kubeadm-config.yaml')).to.equal('kubernetesVersion: v1.17.7\n');
  });

  it('upgrade_node_confirm and upgrade_node_post_upgrade_confirm without a terminal: refused before anything is touched, naming what to do; --check asks nothing and is not refused', async () => {
    for (const v of ['upgrade_node_confirm', 'upgrade_node_post_upgrade_confirm']) {
      const r = await run('-e', kube117, '-e', `{"${v}": true}`, '--limit', NODE1.name, '--json');
      expect(r.code, out(r)).to.equal(2);
      const failed = r.events.flatMap((e) => (e.type === 'host_result' && e.status === 'failed' ? [`${e.host}: ${e.task}: ${e.msg ?? ''}`] : []));
      expect(failed.join('\n')).to.contain(
        `k1-node01: a terminal to confirm each node on: upgrade preflight: nothing was changed. ${v} asks before each node and needs someone to type yes, but tsplay's stdin is not a terminal`,
      ).and.contain('Run from a terminal (ssh -t, tmux, screen), or use upgrade_node_pause_seconds / upgrade_node_post_upgrade_pause_seconds');
      // nothing after the preflight's first checks ran (the boilerplate's group_by before them)
      const ran = r.events.flatMap((e) => (e.type === 'host_result' && e.status !== 'skipped' ? [e.task] : []));
      expect(ran.slice(ran.indexOf('host answers over SSH'))).to.deep.equal(['host answers over SSH', 'a terminal to confirm each node on']);
    }
    const check = await run('--check', '-e', kube117, '-e', '{"upgrade_node_confirm": true, "upgrade_node_post_upgrade_confirm": true}', '--limit', NODE1.name, '--json');
    expect(check.code, out(check)).to.equal(0);
    const asked = check.events.flatMap((e) => (e.type === 'host_result' && e.status !== 'skipped' && /confirm|terminal/.test(e.task) ? [e.task] : []));
    expect(asked).to.deep.equal([]);
    expect(check.events.some((e) => e.type === 'log' && e.message.startsWith('would cordon and drain k1-node01'))).to.equal(true);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' });
  });

  it('a PDB that allows no disruption on k1-node01 stops the run before any cordon, with seed 004\'s table', async () => {
    await labSsh(state!, MASTER.name, `${KUBECTL} apply --validate=false -f -`, {
      input: [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: es, namespace: default}',
        'spec:', '  replicas: 1', '  selector: {matchLabels: {app: es}}', '  template:',
        '    metadata: {labels: {app: es}}',
        '    spec:',
        `      nodeSelector: {kubernetes.io/hostname: ${NODE1.name}}`,
        '      containers:', '      - name: es', '        image: elasticsearch:7',
        // the drain takes a few seconds: the container's preStop sleep (kubelet double)
        '        lifecycle: {preStop: {exec: {command: [sleep, "3"]}}}',
        '---',
        'apiVersion: policy/v1beta1', 'kind: PodDisruptionBudget', 'metadata: {name: elasticsearch-k1-master-pdb, namespace: default}',
        'spec:', '  maxUnavailable: 0', '  selector: {matchLabels: {app: es}}',
      ].join('\n'),
    });
    await waitFor('the es pod Running on k1-node01 and the PDB observed', async () => {
      const pods = await kubectl(`get pods -l app=es -o jsonpath='{range .items[*]}{.spec.nodeName} {.status.phase}{end}'`);
      const pdb = await kubectl("get pdb elasticsearch-k1-master-pdb -o jsonpath='{.status.observedGeneration}'");
      return pods.trim() === `${NODE1.name} Running` && pdb.trim() !== '';
    });
    const r = await run('-e', 'kube_version=1.17.7', '--limit', NODE1.name);
    expect(r.code, out(r)).to.equal(2);
    expect(r.stdout).to.match(/NODE\s+NAMESPACE\s+NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+PODS/);
    expect(r.stdout).to.match(/k1-node01\s+default\s+elasticsearch-k1-master-pdb\s+N\/A\s+0\s+0\s+es-/);
    expect(r.stdout).to.contain('Nothing was cordoned or drained.');
    expect(r.stdout).to.not.match(/TASK \[upgrade-pre-upgrade : cordon node\]/);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' });
    expect(await pkg(NODE1.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
  });

  it('with the pre-check off, the blocked drain fails: node uncordoned, run stopped with exit 2, later workers untouched', async () => {
    const r = await run('-e', kube117, '-e', '{"upgrade_pdb_precheck": "off", "drain_timeout": "5s", "drain_retries": 1, "drain_retry_delay_seconds": 1}', '--json');
    expect(r.code, out(r)).to.equal(2);
    const failed = r.events.flatMap((e) => (e.type === 'host_result' && e.status === 'failed' ? [`${e.host}: ${e.task}: ${e.msg ?? ''}`] : []));
    expect(failed).to.include('k1-node01: fail after rescue: Failed to drain node k1-node01');
    expect(cmdOf(r, 'set node back to schedulable')).to.equal('/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon k1-node01');
    // k1-node02 answered the preflight's SSH check (a `true`, before anything is touched) and nothing after it
    expect(r.events.filter((e) => e.type === 'host_result' && e.host === NODE2.name).map((e) => e.type === 'host_result' && `${e.task}: ${e.status}`)).to.deep.equal(['host answers over SSH: ok']);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' });
    expect(await pkg(NODE1.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
  });

  it('upgrade_node_confirm on a terminal: the prompt names the node before its cordon; any answer but yes stops the run, the node untouched', async () => {
    const r = await tsplayTty(['run', 'playbooks/upgrade-cluster.ts', '-i', inventory, ...EXTRA, '-e', kube117, '--limit', NODE1.name, '--json',
      '-e', '{"upgrade_node_confirm": true, "upgrade_pdb_precheck": "warn"}'], [
      {
        prompt: 'Ready to cordon and upgrade node k1-node01? Type yes to continue (anything else stops the run here):',
        type: 'no',
        // the run waits at the prompt with the node still schedulable
        check: async () => expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' }),
      },
    ]);
    expect(r.answered, out(r)).to.equal(1);
    expect(r.code, out(r)).to.equal(2);
    const failed = r.events.flatMap((e) => (e.type === 'host_result' && e.status === 'failed' ? [`${e.host}: ${e.task}: ${e.msg ?? ''}`] : []));
    expect(failed).to.deep.equal([
      "k1-node01: stop unless the node upgrade was confirmed: Upgrade of node k1-node01 not confirmed (answer 'no', not 'yes'): the run stops here; " +
        'this node was not cordoned, drained or upgraded. Run again to upgrade it (with --limit to go on from this node).',
    ]);
    const ran = r.events.flatMap((e) => (e.type === 'host_result' && e.status !== 'skipped' ? [e.task] : []));
    for (const task of ['cordon node', 'drain node', 'kubelet and kubectl at kube_version']) expect(ran, task).to.not.include(task);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.16.3', 'k1-node02': 'v1.16.3' });
    expect(await pkg(NODE1.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
  });

  it('after the PDB is fixed, --limit k1-node01 asks before the cordon and before the uncordon (typed yes on a terminal), drains (with progress), upgrades and uncordons that node only', async () => {
    await kubectl('patch pdb elasticsearch-k1-master-pdb --type merge -p \'{"spec":{"maxUnavailable":1}}\'');
    await waitFor('the PDB allows one disruption', async () => (await kubectl("get pdb elasticsearch-k1-master-pdb -o jsonpath='{.status.disruptionsAllowed}'")).trim() === '1');
    const r = await tsplayTty(['run', 'playbooks/upgrade-cluster.ts', '-i', inventory, ...EXTRA, '-e', 'kube_version=1.17.7', '--limit', NODE1.name,
      '-e', 'drain_progress_interval=1', '-e', '{"upgrade_node_confirm": true, "upgrade_node_post_upgrade_confirm": true}', '--json'], [
      {
        prompt: 'Ready to cordon and upgrade node k1-node01? Type yes to continue',
        type: 'yes',
        check: async () => expect((await nodes())[NODE1.name]).to.equal('v1.16.3'),
      },
      {
        prompt: 'Ready to uncordon node k1-node01? Type yes to continue (anything else stops the run, the node stays cordoned):',
        type: 'yes',
        // before the uncordon: upgraded, still cordoned, the es pod not back on it
        check: async () => {
          expect((await nodes())[NODE1.name]).to.equal('v1.17.7 cordoned');
          expect((await kubectl(`get pods -l app=es --field-selector spec.nodeName=${NODE1.name} -o name`)).trim()).to.equal('');
        },
      },
    ]);
    expect(r.code, out(r)).to.equal(0);
    expect(r.answered).to.equal(2);
    const confirmed = r.events.flatMap((e) => (e.type === 'host_result' && e.task.startsWith('confirm node') ? [`${e.task}: ${String(e.result?.['user_input'])}`] : []));
    expect(confirmed).to.deep.equal(['confirm node upgrade: yes', 'confirm node uncordon: yes']);
    expect(cmdOf(r, 'drain node')).to.equal("/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf drain --force --ignore-daemonsets --grace-period 300 --timeout 360s --delete-emptydir-data 'k1-node01'");
    const progress = r.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(progress.join('\n'), progress.join('\n')).to.match(/draining k1-node01: 1 pod\(s\) left \(default\/es-[^)]+\), \d+s elapsed, \d+m\d\ds until the drain timeout \(360s\)/);
    expect(r.events.filter((e) => e.type === 'host_result' && e.host !== NODE1.name)).to.deep.equal([]);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.17.7', 'k1-node02': 'v1.16.3' });
    for (const p of ['kubeadm', 'kubelet', 'kubectl']) expect(await pkg(NODE1.name, p)).to.equal('1.17.7-00 hold ok installed');
    expect(await pkg(NODE2.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
  });

  it('a kubelet that does not come up after the upgrade is rolled back: old package held, node Ready at 1.16.3 and uncordoned, host failed', async () => {
    await ok(NODE2.name, 'mkdir -p /etc/tsplay-lab && echo 1.17.7 > /etc/tsplay-lab/kubelet-refuses');
    const r = await run('-e', 'kube_version=1.17.7', '-e', 'kubelet_upgrade_ready_timeout=20');
    expect(r.code, out(r)).to.equal(2);
    expect(r.stdout).to.contain('kubelet 1.17.7-00 did not bring node k1-node02 Ready at v1.17.7 within 20s');
    expect(r.stdout).to.contain('Rolled back to kubelet 1.16.3-00: the node is Ready at v1.16.3 and uncordoned.');
    expect(await pkg(NODE2.name, 'kubelet')).to.equal('1.16.3-00 hold ok installed');
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.17.7', 'k1-node02': 'v1.16.3' });
    expect(await readyOf(NODE2.name)).to.equal('True');
    expect((await ok(NODE2.name, 'systemctl is-active kubelet')).trim()).to.equal('active');
  });

  it('once the kubelet is fixed the rest finishes: upgrade_node_pause_seconds waits before the cordon; with drain_fallback_enabled a pod whose PDB refuses eviction is deleted by kubectl drain --disable-eviction', async () => {
    await ok(NODE2.name, 'rm /etc/tsplay-lab/kubelet-refuses');
    await labSsh(state!, MASTER.name, `${KUBECTL} apply --validate=false -f -`, {
      input: [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: db, namespace: default}',
        'spec:', '  replicas: 1', '  selector: {matchLabels: {app: db}}', '  template:',
        '    metadata: {labels: {app: db}}',
        '    spec:',
        `      nodeSelector: {kubernetes.io/hostname: ${NODE2.name}}`,
        '      containers:', '      - name: db', '        image: postgres:12',
        '---',
        'apiVersion: policy/v1beta1', 'kind: PodDisruptionBudget', 'metadata: {name: db, namespace: default}',
        'spec:', '  maxUnavailable: 0', '  selector: {matchLabels: {app: db}}',
      ].join('\n'),
    });
    let dbPod = '';
    await waitFor('the db pod Running on k1-node02 and its PDB observed', async () => {
      const pods = (await kubectl(`get pods -l app=db -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}{end}'`)).trim().split(' ');
      const pdb = await kubectl("get pdb db -o jsonpath='{.status.observedGeneration}'");
      dbPod = pods[0] ?? '';
      return pods[1] === NODE2.name && pods[2] === 'Running' && pdb.trim() !== '';
    });
    const r = await run('-e', kube117, '--json', '-e', JSON.stringify({
      drain_fallback_enabled: true, drain_timeout: '5s', drain_retries: 1, drain_retry_delay_seconds: 1,
      drain_fallback_grace_period: 1, drain_fallback_timeout: '60s', upgrade_node_pause_seconds: 3,
    }));
    expect(r.code, out(r)).to.equal(0);
    const logs = r.events.flatMap((e) => (e.type === 'log' ? [e.message] : [])).join('\n');
    // the pre-check shows the PDB and goes on: the fallback will not wait for it
    expect(logs).to.match(/k1-node02\s+default\s+db\s+N\/A\s+0\s+0\s+db-/);
    expect(logs).to.contain('(drain_fallback_enabled: going on; once the eviction drain of such a node gives up (drain_timeout, drain_retries), kubectl drain --disable-eviction deletes these pods despite their PodDisruptionBudget)');
    const results = r.events.flatMap((e) => (e.type === 'host_result' && e.host === NODE2.name && e.status !== 'skipped' ? [e] : []));
    const at = (task: string): number => results.findIndex((e) => e.task === task);
    // kubespray's pause comes before the cordon
    const pause = results[at('wait before upgrading the node')]!;
    expect(pause.result?.['delta'], JSON.stringify(pause)).to.be.at.least(3);
    expect(at('wait before upgrading the node')).to.be.lessThan(at('cordon node')).and.greaterThan(-1);
    // the eviction drain fails on the PDB (both tries), is ignored, and the fallback deletes the pod
    const drain = results[at('drain node')]!;
    expect(drain.status, JSON.stringify(drain)).to.equal('ignored');
    expect(drain.result?.['attempts']).to.equal(1); // two tries; out of them, Ansible registers tries - 1
    expect(cmdOf(r, 'drain node')).to.equal("/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf drain --force --ignore-daemonsets --grace-period 300 --timeout 5s --delete-emptydir-data 'k1-node02'");
    expect(String(drain.result?.['stderr'])).to.contain(`error when evicting pods/"${dbPod}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    const fallback = results[at('drain node - fallback with disabled eviction')]!;
    expect(fallback.status, JSON.stringify(fallback)).to.equal('changed');
    expect(cmdOf(r, 'drain node - fallback with disabled eviction')).to.equal(
      "/usr/bin/kubectl --kubeconfig /etc/kubernetes/admin.conf drain --force --ignore-daemonsets --grace-period 1 --timeout 60s --delete-emptydir-data 'k1-node02' --disable-eviction",
    );
    expect(String(fallback.result?.['stdout'])).to.contain(`pod/${dbPod} deleted`).and.not.contain('evicted');
    expect(at('drain node - fallback with disabled eviction')).to.be.lessThan(at('restart kubelet'));
    // the pod the PDB protected is gone (deleted, not evicted), the PDB unchanged; its replacement runs on the upgraded node
    expect((await labSsh(state!, MASTER.name, `${KUBECTL} get pod ${dbPod}`)).stderr).to.contain(`pods "${dbPod}" not found`);
    expect((await kubectl("get pdb db -o jsonpath='{.spec.maxUnavailable}'")).trim()).to.equal('0');
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.17.7', 'k1-node02': 'v1.17.7' });
  });

  it('a rerun of the finished upgrade changes nothing and cordons nothing', async () => {
    const again = await run('-e', 'kube_version=1.17.7', '--json');
    expect(again.code, out(again)).to.equal(0);
    const recap = again.events.find((e) => e.type === 'recap');
    expect(recap && recap.type === 'recap' ? Object.values(recap.hosts).map((s) => s.changed) : null).to.deep.equal([0, 0, 0]);
    const ran = again.events.flatMap((e) => (e.type === 'host_result' && e.status !== 'skipped' ? [e.task] : []));
    expect(ran).to.include('version path guard').and.include('is the node already at the target');
    for (const task of ['cordon node', 'drain node', 'kubeadm upgrade apply (first control plane)', 'restart kubelet', 'uncordon node']) expect(ran, task).to.not.include(task);
    expect(await nodes()).to.deep.equal({ 'k1-master01': 'v1.17.7', 'k1-node01': 'v1.17.7', 'k1-node02': 'v1.17.7' });
  });
});
