// ansible_distribution and friends from /etc/os-release (and the files Ansible prefers where
// os-release is too coarse: Debian's point release, CentOS's minor version).

export interface DistributionFacts {
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_minor_version?: string;
  distribution_release: string;
  os_family: string;
}

/** os-release ID -> Ansible's distribution name, where capitalising the ID is not it. */
const NAMES: Record<string, string> = {
  rhel: 'RedHat', centos: 'CentOS', amzn: 'Amazon', ol: 'OracleLinux', almalinux: 'AlmaLinux', rocky: 'Rocky',
  sles: 'SLES', sles_sap: 'SLES_SAP', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  opensuse: 'openSUSE', arch: 'Archlinux', linuxmint: 'Linux Mint', clear_linux_os: 'Clear Linux OS', openeuler: 'openEuler',
};

/** Ansible's OS_FAMILY_MAP, inverted (distribution -> family); unknown names are their own family. */
const FAMILIES: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon',
    'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot',
    'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};
const FAMILY_OF = new Map(Object.entries(FAMILIES).flatMap(([fam, names]) => names.map((n) => [n, fam] as const)));

/** KEY=value lines of os-release, values unquoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (/^".*"$|^'.*'$/.test(v)) v = v.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    out[m[1]] = v;
  }
  return out;
}

export function distributionFacts(osRelease: string, debianVersion: string, redhatRelease: string, system: string): DistributionFacts {
  const os = parseOsRelease(osRelease);
  const id = (os.ID ?? '').toLowerCase();
  const distribution = id ? (NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1)) : system === 'Linux' ? 'OtherLinux' : system;
  let version = os.VERSION_ID ?? '';
  // os-release has only Debian's major version; /etc/debian_version has the point release
  if (id === 'debian' && /^\d+(\.\d+)*$/.test(debianVersion.trim())) version = debianVersion.trim();
  // CentOS: major.minor of redhat-release ("CentOS Linux release 7.9.2009" -> 7.9)
  if (id === 'centos') {
    const m = /release (\d+(?:\.\d+)?)/.exec(redhatRelease);
    if (m) version = m[1];
  }
  const paren = /\(([^)]+)\)/.exec(os.VERSION ?? '');
  const release = os.VERSION_CODENAME || os.UBUNTU_CODENAME || (paren ? paren[1] : '');
  const [major, minor] = version.split('.');
  const facts: DistributionFacts = {
    distribution,
    distribution_version: version,
    distribution_major_version: major ?? '',
    distribution_release: release,
    os_family: FAMILY_OF.get(distribution) ?? distribution,
  };
  if (minor !== undefined) facts.distribution_minor_version = minor;
  return facts;
}

/** Ansible's pkg_mgr: the first package manager binary present, with the OS family's own preferred. */
export function pkgMgr(paths: Set<string>, osFamily: string): string {
  if (osFamily === 'RedHat') return paths.has('/usr/bin/dnf') || !paths.has('/usr/bin/yum') ? 'dnf' : 'yum';
  if (osFamily === 'Debian') return 'apt';
  const order: [string, string][] = [
    ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
    ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'], ['/sbin/apk', 'apk'],
    ['/usr/bin/emerge', 'portage'], ['/usr/bin/xbps-install', 'xbps'], ['/usr/bin/swupd', 'swupd'],
  ];
  return order.find(([p]) => paths.has(p))?.[1] ?? 'unknown';
}

/** Ansible's service_mgr: PID 1's name, unless that is a plain `init` or a shell; then by marker files. */
export function serviceMgr(pid1: string, sbinInit: string, paths: Set<string>): string {
  const aliases: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };
  let p1 = (pid1.trim() || sbinInit.trim()).split('/').pop() ?? '';
  if (p1 === 'init' || p1.endsWith('sh')) p1 = '';
  if (p1) return aliases[p1] ?? p1;
  const systemctl = paths.has('/usr/bin/systemctl') || paths.has('/bin/systemctl');
  if (systemctl && ['/run/systemd/system', '/dev/.run/systemd', '/dev/.systemd'].some((p) => paths.has(p))) return 'systemd';
  if (paths.has('/sbin/initctl') && paths.has('/etc/init')) return 'upstart';
  if (paths.has('/sbin/openrc')) return 'openrc';
  if (systemctl && sbinInit.trim().endsWith('systemd')) return 'systemd';
  if (paths.has('/etc/init.d')) return 'sysvinit';
  return 'service';
}
