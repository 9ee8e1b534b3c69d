// Token discovery (cmd/kubeadm/app/discovery/token): fetch kube-public/cluster-info without
// trusting the server, pin its CA against --discovery-token-ca-cert-hash, and check the token.
// The real kubeadm checks the token through the JWS signature the controller-manager's
// bootstrapsigner adds to cluster-info; the lab's controller-manager double signs nothing, so
// the double checks the token by authenticating with it to the API server (bootstrap-token
// authentication): a wrong or expired token fails either way, with kubeadm's message.
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { KubeClient } from '../common/client.js';
import { EXIT_VALIDATION, KubeadmError } from './errors.js';
import type { Out } from './output.js';
import { caCertHash, parseToken } from './tokens.js';

export interface Discovered {
  server: string;
  caPem: string;
}

const CLUSTER_INFO = '/api/v1/namespaces/kube-public/configmaps/cluster-info';

function clusterInfoKubeconfig(obj: { data?: unknown; metadata: unknown }): Discovered {
  const text = (obj.data as Record<string, string> | undefined)?.kubeconfig;
  if (!text) throw new KubeadmError('there is no kubeconfig in the cluster-info ConfigMap');
  const kc = parse(text) as { clusters?: { cluster?: Record<string, string> }[] };
  const c = kc.clusters?.[0]?.cluster ?? {};
  return { server: c.server ?? '', caPem: Buffer.from(c['certificate-authority-data'] ?? '', 'base64').toString('utf8') };
}

export interface TokenDiscovery {
  apiServerEndpoint: string;
  token: string;
  caCertHashes: string[];
  unsafeSkipCAVerification: boolean;
  timeoutMs: number;
}

/** Quiet as the real one at the default verbosity (its [discovery] lines are klog V(1)). */
export async function discoverWithToken(d: TokenDiscovery, _out: Out): Promise<Discovered> {
  if (d.caCertHashes.length === 0 && !d.unsafeSkipCAVerification) {
    throw new KubeadmError(
      'discovery.bootstrapToken: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue',
      EXIT_VALIDATION,
    );
  }
  const { id } = parseToken(d.token);
  const endpoint = `https://${d.apiServerEndpoint}`;
  const insecure = new KubeClient({ server: endpoint, insecureSkipTlsVerify: true, source: 'discovery' }, { timeoutMs: 10000 });
  const deadline = Date.now() + d.timeoutMs;
  let info: Discovered;
  try {
    for (;;) {
      try {
        info = clusterInfoKubeconfig(await insecure.get(CLUSTER_INFO));
        break;
      } catch (e) {
        if (e instanceof KubeadmError) throw e;
        if (Date.now() > deadline) throw new KubeadmError(`couldn't validate the identity of the API Server: Get "${endpoint}${CLUSTER_INFO}?timeout=10s": ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  } finally {
    insecure.close();
  }
  if (d.caCertHashes.length > 0) {
    const have = caCertHash(info.caPem);
    const want = d.caCertHashes.map((h) => (h.includes(':') ? h.toLowerCase() : `sha256:${h.toLowerCase()}`));
    if (!want.includes(have)) throw new KubeadmError(`couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${have}" are pinned`);
  }
  // the token: authenticate with it over TLS pinned to the discovered CA
  const pinned = new KubeClient({ server: endpoint, ca: Buffer.from(info.caPem), insecureSkipTlsVerify: false, token: d.token, source: 'discovery' }, { timeoutMs: 10000 });
  try {
    // 401 = the token did not authenticate; 403 = it did (the RBAC of cluster-info names only
    // system:anonymous), so a valid token passes either way
    await pinned.get(CLUSTER_INFO).catch((e: unknown) => {
      if ((e as { code?: number }).code !== 403) throw e;
    });
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code === 401) {
      throw new KubeadmError(`couldn't validate the identity of the API Server: token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`);
    }
    throw new KubeadmError(`couldn't validate the identity of the API Server: ${(e as Error).message}`);
  } finally {
    pinned.close();
  }
  new X509Certificate(info.caPem); // a CA that does not parse fails here, not later
  return { server: info.server || endpoint, caPem: info.caPem };
}
