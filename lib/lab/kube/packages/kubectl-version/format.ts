// What `kubectl version` prints for the client part, per kubectl release: the lab's kubectl
// package runs the real kubectl binary (Debian's kubernetes-client), whose own version is not the
// package's, so the package's wrapper prints the client version itself in the release's format.
//
// Differences from a real build: gitCommit is forty zeros and buildDate a fixed date (the doubles
// are not built from a Kubernetes commit); goVersion is the Go minor that release was built with.

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** kubectl 1.28 dropped the Go-struct text and `--short`: the short form became the default. */
export function hasStructFormat(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major === 1 && minor < 28;
}

/** kustomize is listed from kubectl 1.24 on (`kustomizeVersion`); the lab carries 1.34+ of those. */
export function kustomizeVersion(version: string): string | undefined {
  const minor = Number(version.split('.')[1]);
  return minor >= 24 ? 'v5.7.1' : undefined;
}

function goVersion(minor: number): string {
  if (minor <= 14) return 'go1.12.5';
  if (minor <= 16) return 'go1.12.12';
  if (minor <= 18) return 'go1.13.9';
  if (minor <= 34) return 'go1.24.9';
  return 'go1.25.5';
}

export function clientInfo(version: string): VersionInfo {
  const [major, minor] = version.split('.');
  return {
    major,
    minor,
    gitVersion: `v${version}`,
    gitCommit: '0'.repeat(40),
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: goVersion(Number(minor)),
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `version.Info{Major:"1", Minor:"16", GitVersion:"v1.16.3", ...}` (Go's %#v of the struct). */
export function structText(i: Partial<VersionInfo>): string {
  const f = (k: string, v: string | undefined): string => `${k}:${JSON.stringify(v ?? '')}`;
  return (
    'version.Info{' +
    [
      f('Major', i.major),
      f('Minor', i.minor),
      f('GitVersion', i.gitVersion),
      f('GitCommit', i.gitCommit),
      f('GitTreeState', i.gitTreeState),
      f('BuildDate', i.buildDate),
      f('GoVersion', i.goVersion),
      f('Compiler', i.compiler),
      f('Platform', i.platform),
    ].join(', ') +
    '}'
  );
}

/** sigs.k8s.io/yaml of an object of strings: keys sorted, strings YAML would misread quoted. */
export function yamlText(obj: Record<string, unknown>, indent = ''): string {
  let out = '';
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v && typeof v === 'object') out += `${indent}${key}:\n${yamlText(v as Record<string, unknown>, indent + '  ')}`;
    else out += `${indent}${key}: ${yamlScalar(String(v))}\n`;
  }
  return out;
}

function yamlScalar(s: string): string {
  // numbers, dates, booleans and empty strings would read back as other types
  if (s === '' || /^[0-9.:TZ-]+$/.test(s) || /^(true|false|yes|no|on|off|null|~)$/i.test(s)) return JSON.stringify(s);
  return s;
}
