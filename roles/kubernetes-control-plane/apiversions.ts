// Which kubeadm.k8s.io config API versions a kubeadm release reads (kubeadm's
// validateSupportedVersion per release; FACTS §2.5): v1beta1 1.13–1.21, v1beta2 1.15–1.26,
// v1beta3 from 1.22, v1beta4 from 1.31. What the role writes by default follows kube_version the
// way kubespray chose its template (v1beta2 from 1.15, v1beta3 from 1.22, v1beta4 from 1.31).

/** `v1.34.3` / `1.34.3` → the API versions that kubeadm reads; [] when it is not a version. */
export function kubeadmReads(version: string): string[] {
  const m = /^v?1\.(\d+)\.\d+/.exec(version.trim());
  if (!m) return [];
  const minor = Number(m[1]);
  const known: string[] = [];
  if (minor >= 13 && minor <= 21) known.push('v1beta1');
  if (minor >= 15 && minor <= 26) known.push('v1beta2');
  if (minor >= 22) known.push('v1beta3');
  if (minor >= 31) known.push('v1beta4');
  return known;
}

/** The default kubeadm_config_api_version, as Jinja over kube_version_plain. */
export const DEFAULT_API_VERSION =
  "{{ 'v1beta1' if kube_version_plain is version('1.15.0', '<') else ('v1beta2' if kube_version_plain is version('1.22.0', '<') else ('v1beta3' if kube_version_plain is version('1.31.0', '<') else 'v1beta4')) }}";
