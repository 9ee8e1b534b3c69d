// The Kubernetes versions the lab's package repository carries: seed 004's upgrade path (old
// `-00` package naming of apt.kubernetes.io) and three consecutive current minors (pkgs.k8s.io's
// `-1.1` naming). Every double reads its own version from the package it was installed from.

export interface KubeRelease {
  /** `1.16.3`: no leading v */
  version: string;
  /** the Debian package version, `1.16.3-00` or `1.35.2-1.1` */
  debVersion: string;
}

export const KUBE_RELEASES: readonly KubeRelease[] = [
  { version: '1.14.3', debVersion: '1.14.3-00' },
  { version: '1.15.6', debVersion: '1.15.6-00' },
  { version: '1.16.3', debVersion: '1.16.3-00' },
  { version: '1.17.7', debVersion: '1.17.7-00' },
  { version: '1.18.5', debVersion: '1.18.5-00' },
  { version: '1.34.3', debVersion: '1.34.3-1.1' },
  { version: '1.35.2', debVersion: '1.35.2-1.1' },
  { version: '1.36.4', debVersion: '1.36.4-1.1' },
];

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** `-rc.1`, `-alpha.0`...: empty for a release */
  pre: string;
}

/** Parses `v1.16.3`, `1.16.3`, `v1.17.0-rc.1`; null when it is not a version. */
export function parseVersion(text: string): SemVer | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' };
}

/** `v1.16.3` */
export function gitVersion(v: SemVer | string): string {
  const s = typeof v === 'string' ? parseVersion(v) : v;
  if (!s) throw new Error(`not a Kubernetes version: ${String(v)}`);
  return `v${s.major}.${s.minor}.${s.patch}${s.pre}`;
}

/** Negative, zero or positive as a < b, a = b, a > b (a pre-release sorts before its release). */
export function compareVersions(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.pre === b.pre) return 0;
  if (!a.pre) return 1;
  if (!b.pre) return -1;
  return a.pre < b.pre ? -1 : 1;
}
