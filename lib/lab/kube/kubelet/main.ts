// The kubelet double's entry: `/usr/bin/kubelet` from the lab's kubelet package, started by the
// daemonless systemctl from the real unit and kubeadm drop-in. It reads the real flags and files,
// refuses to start where the real kubelet refuses (exit 1, so Restart=always makes a crash loop),
// runs the static pods, and through the API registers and heartbeats its Node and plays its pods.
import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { ApiError, KubeClient } from '../common/client.js';
import { compareVersions, gitVersion, parseVersion, type SemVer } from '../common/versions.js';
import { tlsBootstrap } from './bootstrap.js';
import { cgroupRefusal, labFaultRefusal, runtimeCgroupDriver, swapRefusal } from './checks.js';
import { ConfigError, loadConfig } from './config.js';
import { serveHealthz } from './healthz.js';
import { KubeletFlagError, parseKubeletFlags } from './kubelet-flags.js';
import { klogLine, log, q } from './log.js';
import { NodeAgent } from './node-agent.js';
import { ALLOWED_LABELS, NodeFlagError, parseNodeLabels, parseTaints, restrictedNodeLabels, type HostFacts } from './node-info.js';
import { StaticPods } from './static-pods.js';

class Fatal extends Error {}

/** How the kubelet of `version` reports a failure that stops it (its exit code is 1). */
function fatal(version: SemVer, err: string, where = 'server.go:273'): void {
  // klog.Fatal before component-base's "command failed" structured error (1.23)
  if (compareVersions(version, parseVersion('1.23.0')!) < 0) process.stderr.write(klogLine('F', where, err));
  else process.stderr.write(klogLine('E', 'run.go:74', `"command failed" err=${q(err)}`));
}

async function hostFacts(nodeName: string, nodeIp: string | undefined): Promise<HostFacts> {
  const read = async (p: string): Promise<string> => (await readFile(p, 'utf8').catch(() => '')).trim();
  let address = nodeIp ?? '';
  if (!address) {
    try {
      address = (await lookup(os.hostname(), { family: 4 })).address;
    } catch {
      address = '';
    }
  }
  const osRelease = await read('/etc/os-release');
  return {
    nodeName,
    address,
    hostname: nodeName,
    cpus: os.cpus().length,
    memoryKi: Math.floor(os.totalmem() / 1024),
    kernel: os.release(),
    osImage: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux',
    machineID: (await read('/etc/machine-id')) || '00000000000000000000000000000000',
    bootID: await read('/proc/sys/kernel/random/boot_id'),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for the API server (it may be one of this kubelet's own static pods) and checks the skew. */
async function checkSkew(client: KubeClient, version: SemVer, stopped: () => boolean): Promise<string | null> {
  let warned = false;
  while (!stopped()) {
    try {
      const v = await client.request<{ gitVersion?: string }>('GET', '/version');
      const server = parseVersion(v.gitVersion ?? '');
      if (!server) return null;
      // FACTS §7: a kubelet must not be newer than kube-apiserver (the real kubelet starts and is
      // unsupported; the double refuses, so an upgrade in the wrong order shows at once)
      if (server.major === version.major && version.minor > server.minor) {
        return `kubelet version ${gitVersion(version)} is newer than the API server version ${gitVersion(server)}: the version skew policy does not allow a kubelet newer than kube-apiserver`;
      }
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.code !== 0) return null; // it answers: /version may be forbidden, nothing to compare
      if (!warned) log.error('reflector.go:138', `"Failed to reach the API server, will retry" err=${q((e as Error).message)}`);
      warned = true;
      await sleep(2000);
    }
  }
  return null;
}

export async function main(argv: string[], versionText: string): Promise<number> {
  const version = parseVersion(versionText);
  if (!version) {
    process.stderr.write(`kubelet: not a Kubernetes version: ${versionText}\n`);
    return 2;
  }
  let flags;
  try {
    flags = parseKubeletFlags(argv, version);
  } catch (e) {
    if (!(e instanceof KubeletFlagError)) throw e;
    fatal(version, compareVersions(version, parseVersion('1.23.0')!) < 0 ? e.message : `failed to parse kubelet flag: ${e.message}`, 'server.go:156');
    return 1;
  }
  if (flags.flags.get('version') === 'true') {
    process.stdout.write(`Kubernetes ${gitVersion(version)}\n`);
    return 0;
  }
  if (flags.flags.get('help') === 'true') {
    process.stdout.write('The kubelet is the primary "node agent" that runs on each node (lab double: README "Test doubles").\n\nUsage:\n  kubelet [flags]\n');
    return 0;
  }

  const stoppers: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stopped = (): boolean => stopping;
  try {
    const nodeName = (flags.flags.get('hostname-override') || os.hostname()).toLowerCase();
    let labels: Record<string, string>;
    let taints;
    try {
      labels = parseNodeLabels(flags.flags.get('node-labels'), version);
      const restricted = restrictedNodeLabels(labels);
      if (restricted.length) {
        // 1.13-1.15 only warned (cmd/kubelet/app/server.go)
        log.warn('server.go:218', `unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [${restricted.join(' ')}]`);
        log.warn('server.go:219', `in 1.16, --node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (kubelet.kubernetes.io, node.kubernetes.io) or be in the specifically allowed set (${ALLOWED_LABELS.join(', ')})`);
      }
      taints = parseTaints(flags.flags.get('register-with-taints'));
      // an external cloud provider initialises the node; until then the kubelet keeps pods off it
      if (flags.flags.get('cloud-provider') === 'external') taints.push({ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' });
    } catch (e) {
      if (e instanceof NodeFlagError) throw new Fatal(`failed to validate kubelet flags: ${e.message}`);
      throw e;
    }
    const cfg = await loadConfig(flags.flags.get('config'), flags).catch((e: unknown): never => {
      if (!(e instanceof ConfigError)) throw e;
      // 1.23+ wraps the loader's error once more (cmd/kubelet/app/server.go)
      const wrapped = compareVersions(version, parseVersion('1.23.0')!) >= 0 && e.message.startsWith('failed to load Kubelet config file');
      throw new Fatal(wrapped ? `failed to load kubelet config file, path: ${flags.flags.get('config')}, error: ${e.message}` : e.message);
    });
    log.info('server.go:416', `"Kubelet version" kubeletVersion=${q(gitVersion(version))}`);
    const fault = await labFaultRefusal(version);
    if (fault) throw new Fatal(fault);
    const swap = await swapRefusal(cfg.failSwapOn, version);
    if (swap) throw new Fatal(`failed to run Kubelet: ${swap}`);
    const cg = cgroupRefusal(cfg.cgroupDriver, await runtimeCgroupDriver(flags, version));
    if (cg) throw new Fatal(`failed to run Kubelet: ${cg}`);

    const kubeconfig = flags.flags.get('kubeconfig');
    const bootstrap = flags.flags.get('bootstrap-kubeconfig');
    const needBootstrap = !!kubeconfig && !existsSync(kubeconfig) && !!bootstrap;
    if (kubeconfig && !existsSync(kubeconfig) && !needBootstrap) {
      throw new Fatal(`failed to run Kubelet: unable to load bootstrap kubeconfig: stat ${bootstrap ?? kubeconfig}: no such file or directory`);
    }
    if (needBootstrap && !existsSync(bootstrap!)) {
      throw new Fatal(`failed to run Kubelet: unable to load bootstrap kubeconfig: stat ${bootstrap}: no such file or directory`);
    }

    const done = new Promise<number>((resolveDone) => {
      const shutdown = (code: number): void => {
        if (stopping) return;
        stopping = true;
        log.info('kubelet.go:1600', '"Shutting down the kubelet"');
        void Promise.all(stoppers.map((s) => s())).finally(() => resolveDone(code));
      };
      process.on('SIGTERM', () => shutdown(0));
      process.on('SIGINT', () => shutdown(0));
      void (async () => {
        const healthz = serveHealthz(cfg.healthzBindAddress, cfg.healthzPort);
        if (healthz) stoppers.push(() => void healthz.close());
        if (needBootstrap) {
          log.info('bootstrap.go:119', `"Using bootstrap kubeconfig to generate TLS client cert, key and kubeconfig file" bootstrapKubeconfig=${q(bootstrap!)}`);
          try {
            await tlsBootstrap(bootstrap!, kubeconfig!, nodeName, version, stopped);
          } catch (e) {
            fatal(version, `failed to run Kubelet: unable to load bootstrap kubeconfig: ${(e as Error).message}`);
            shutdown(1);
            return;
          }
          if (stopping) return;
        }
        let agent: NodeAgent | undefined;
        const statics = cfg.staticPodPath ? new StaticPods(cfg.staticPodPath, nodeName, cfg.fileCheckFrequency, () => agent?.staticsChanged()) : undefined;
        if (statics) {
          statics.start();
          stoppers.push(() => statics.stop(10_000));
        }
        if (!kubeconfig) {
          log.info('kubelet.go:445', '"No API server defined - no node status update will be sent"');
          return;
        }
        const client = await KubeClient.fromKubeconfig(kubeconfig, { userAgent: `kubelet/${gitVersion(version)}` });
        stoppers.push(() => client.close());
        const skew = await checkSkew(client, version, stopped);
        if (skew) {
          fatal(version, `failed to run Kubelet: ${skew}`);
          shutdown(1);
          return;
        }
        if (stopping) return;
        agent = new NodeAgent({ client, cfg, version, host: await hostFacts(nodeName, flags.flags.get('node-ip')), labels, taints, statics, registerNode: flags.flags.get('register-node') !== 'false' });
        stoppers.unshift(() => agent?.stop());
        await agent.start();
      })().catch((e: unknown) => {
        fatal(version, `failed to run Kubelet: ${e instanceof Error ? e.message : String(e)}`);
        shutdown(1);
      });
    });
    return await done;
  } catch (e) {
    if (e instanceof Fatal) {
      fatal(version, e.message, e.message.startsWith('failed to run') ? 'server.go:273' : 'server.go:198');
      return 1;
    }
    throw e;
  }
}
