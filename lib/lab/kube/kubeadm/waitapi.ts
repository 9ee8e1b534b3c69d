// wait-control-plane: poll the API server's /healthz with admin.conf until it answers 200, as
// kubeadm's apiclient waiter does, then report how long it took; on timeout the real text.
import { KubeClient } from '../common/client.js';
import type { SemVer } from '../common/versions.js';
import { KubeadmError } from './errors.js';
import type { Out } from './output.js';
import { formatDuration } from './tokens.js';

export async function waitForAPI(kubeconfig: string, timeoutMs: number, v: SemVer, out: Out, manifestsDir: string): Promise<void> {
  const t = formatDuration(timeoutMs);
  out.out(`[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "${manifestsDir}". This can take up to ${t}`);
  const start = Date.now();
  const c = await KubeClient.fromKubeconfig(kubeconfig, { timeoutMs: 5000 });
  try {
    for (;;) {
      try {
        const r = await c.raw('GET', '/healthz');
        if (r.code === 200) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() - start > timeoutMs) {
        out.out('');
        out.out('Unfortunately, an error has occurred:');
        out.out(v.minor >= 26 ? `\tcontext deadline exceeded` : '\ttimed out waiting for the condition');
        out.out('');
        out.out('This error is likely caused by:');
        out.out('\t- The kubelet is not running');
        out.out('\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)');
        out.out('');
        out.out('If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:');
        out.out("\t- 'systemctl status kubelet'");
        out.out("\t- 'journalctl -xeu kubelet'");
        out.out('');
        throw new KubeadmError("couldn't initialize a Kubernetes cluster");
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    c.close();
  }
  out.out(`[apiclient] All control plane components are healthy after ${((Date.now() - start) / 1000).toFixed(6)} seconds`);
}
