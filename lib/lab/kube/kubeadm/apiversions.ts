// Which kubeadm.k8s.io API versions a kubeadm release reads, and what it says about the others
// (cmd/kubeadm/app/util/config/common.go validateSupportedVersion, per release; the tables of
// old versions below are the ones each release carries).
import type { SemVer } from '../common/versions.js';
import { KubeadmError } from './errors.js';

export const KUBEADM_GROUP = 'kubeadm.k8s.io';

function minorOf(v: SemVer): number {
  return v.minor;
}

/** apiVersion -> the kubeadm release to use instead, for versions this release refuses as old. */
export function oldApiVersions(v: SemVer): Record<string, string> {
  const m = minorOf(v);
  const old: Record<string, string> = { 'kubeadm.k8s.io/v1alpha1': 'v1.11', 'kubeadm.k8s.io/v1alpha2': 'v1.12' };
  if (m >= 15) old['kubeadm.k8s.io/v1alpha3'] = 'v1.14';
  if (m >= 22) old['kubeadm.k8s.io/v1beta1'] = 'v1.15';
  if (m >= 27) old['kubeadm.k8s.io/v1beta2'] = 'v1.22';
  return old;
}

/** The kubeadm.k8s.io versions this release decodes. */
export function knownApiVersions(v: SemVer): string[] {
  const m = minorOf(v);
  const known: string[] = [];
  if (m <= 14) known.push('v1alpha3');
  if (m >= 13 && m <= 21) known.push('v1beta1');
  if (m >= 15 && m <= 26) known.push('v1beta2');
  if (m >= 22) known.push('v1beta3');
  if (m >= 31) known.push('v1beta4');
  return known.map((x) => `${KUBEADM_GROUP}/${x}`);
}

/** The version this release writes (config print, the kubeadm-config ConfigMap). */
export function defaultApiVersion(v: SemVer): string {
  const m = minorOf(v);
  if (m <= 14) return `${KUBEADM_GROUP}/v1beta1`;
  if (m <= 21) return `${KUBEADM_GROUP}/v1beta2`;
  if (m <= 30) return `${KUBEADM_GROUP}/v1beta3`;
  return `${KUBEADM_GROUP}/v1beta4`;
}

/** Refuses an apiVersion the release does not read, with the release's message. */
export function checkApiVersion(v: SemVer, apiVersion: string, kind: string): void {
  const use = oldApiVersions(v)[apiVersion];
  if (use) {
    // 1.31 added the kind and renamed the example files in the message
    if (v.minor >= 31) {
      throw new KubeadmError(
        `your configuration file uses an old API spec: "${apiVersion}" (kind: "${kind}"). Please use kubeadm ${use} instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`,
      );
    }
    throw new KubeadmError(
      `your configuration file uses an old API spec: "${apiVersion}". Please use kubeadm ${use} instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
    );
  }
  if (!knownApiVersions(v).includes(apiVersion)) {
    // the scheme has no such version: the decoder's error, as kubeadm passes it on
    throw new KubeadmError(
      `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`,
    );
  }
  if (kind === 'UpgradeConfiguration' || kind === 'ResetConfiguration') {
    if (!apiVersion.endsWith('/v1beta4')) {
      throw new KubeadmError(
        `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`,
      );
    }
  }
}
