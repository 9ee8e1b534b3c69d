// The one shell script that gathers facts: POSIX sh only (no python3 needed), one exec, one round
// trip. It prints raw sections ("@@name" lines, then what a file or command printed); all the
// interpreting happens in TypeScript (parse.ts), so the shell never needs ${...} expansions that a
// JS template literal could swallow.
export const FACTS_SCRIPT = [
  "s() { printf '\\n@@%s\\n' \"$1\"; }",
  's os_release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
  's debian_version; cat /etc/debian_version 2>/dev/null',
  's redhat_release; cat /etc/redhat-release 2>/dev/null',
  's uname; uname -s; uname -r; uname -m; uname -n; uname -v',
  's fqdn; hostname -f 2>/dev/null || uname -n',
  's meminfo; cat /proc/meminfo 2>/dev/null',
  's cpus; grep -c "^processor" /proc/cpuinfo 2>/dev/null; nproc 2>/dev/null',
  's id; id -un; id -u; id -g',
  's passwd; getent passwd "$(id -un)" 2>/dev/null || grep "^$(id -un):" /etc/passwd',
  // NUL-separated where env supports it: values may hold newlines
  's env; env -0 2>/dev/null || env',
  "s date; date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z'",
  // the zone's names in winter and summer: Python's time.tzname, which Ansible's tz_dst reads
  "s tznames; y=$(date +%Y); date -d \"$y-01-15\" '+%Z|%z' 2>/dev/null; date -d \"$y-07-15\" '+%Z|%z' 2>/dev/null",
  's pid1; cat /proc/1/comm 2>/dev/null',
  's sbin_init; readlink /sbin/init 2>/dev/null',
  's paths; for p in /run/systemd/system /dev/.run/systemd /dev/.systemd /usr/bin/systemctl /bin/systemctl /etc/init /sbin/initctl /sbin/openrc /etc/init.d ' +
    '/usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/swupd; ' +
    'do [ -e "$p" ] && echo "$p"; done',
  's route4; ip -4 route get 8.8.8.8 2>/dev/null',
  's route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null',
  's addr; ip addr show 2>/dev/null',
  's end',
].join('\n');

/** Splits the script's output into its sections (name -> text without the trailing newline). */
export function splitSections(out: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = out.split(/(?:^|\n)@@([a-z0-9_]+)\n/);
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set(parts[i], parts[i + 1].replace(/\n+$/, ''));
  return sections;
}
