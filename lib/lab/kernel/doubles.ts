// TEST DOUBLES of modprobe (kmod), swapon and swapoff (util-linux) for lab hosts. Lab hosts share
// the machine's kernel, so the real programs would load modules into it and turn its swap off
// (and cannot: the hosts run without CAP_SYS_MODULE/CAP_SYS_ADMIN). These change only the host's
// own copies instead (kernel/index.ts): /sys/module/NAME/initstate (what kmod reads to tell
// whether a module is loaded), /proc/modules where the kernel has one, the sysctls a module brings
// (br_netfilter: /proc/sys/net/bridge/*), and /proc/swaps. They are installed over
// /usr/sbin/{modprobe,swapon,swapoff} in each host's disk; messages and exit codes are the real
// tools' for the cases the flows meet.

/**
 * Modules a fresh Debian node has as loadable modules, not loaded, with their dependencies. Only
 * these can be loaded (anything else: modprobe's "not found"); they are never shown as loaded at
 * boot, whatever the machine's kernel has built in.
 */
export const LAB_MODULES: Record<string, string[]> = {
  br_netfilter: ['bridge'],
  bridge: ['stp', 'llc'],
  stp: ['llc'],
  llc: [],
  overlay: [],
  nf_conntrack: [],
  nf_nat: ['nf_conntrack'],
  ip_tables: [],
  ip6_tables: [],
  iptable_filter: ['ip_tables'],
  iptable_nat: ['ip_tables', 'nf_nat'],
  xt_conntrack: ['nf_conntrack'],
  ip_vs: ['nf_conntrack'],
  ip_vs_rr: ['ip_vs'],
  ip_vs_wrr: ['ip_vs'],
  ip_vs_sh: ['ip_vs'],
  dummy: [],
  veth: [],
  vxlan: [],
  ipip: [],
  rbd: [],
  dm_thin_pool: [],
};

/** br_netfilter's sysctls and their kernel defaults (net/bridge/br_netfilter_hooks.c). */
export const BRIDGE_SYSCTLS: Record<string, string> = {
  'bridge-nf-call-arptables': '1',
  'bridge-nf-call-ip6tables': '1',
  'bridge-nf-call-iptables': '1',
  'bridge-nf-filter-pppoe-tagged': '0',
  'bridge-nf-filter-vlan-tagged': '0',
  'bridge-nf-pass-vlan-input-dev': '0',
};

export const SWAPS_HEADER = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';

export function modprobeDouble(): string {
  const deps = Object.entries(LAB_MODULES).map(([m, d]) => `${m}:${d.join(',')}`).join(' ');
  const bridge = Object.entries(BRIDGE_SYSCTLS).map(([k, v]) => `printf '%s\\n' ${v} > /proc/sys/net/bridge/${k}`).join('; ');
  return `#!/bin/sh
# tsplay lab TEST DOUBLE of modprobe (kmod): lab hosts share the machine's kernel, so this loads
# and unloads modules in the host's own copies only (lib/lab/kernel/doubles.ts).
set -u
KNOWN='${deps}'
quiet=0; remove=0; dry=0; all=0
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; break ;;
    -q|--quiet) quiet=1 ;;
    -r|--remove) remove=1 ;;
    -n|--dry-run|--show) dry=1 ;;
    -a|--all) all=1 ;;
    -v|--verbose|-b|--use-blacklist|-s|--syslog) ;;
    -V|--version) echo 'kmod version 30 (tsplay lab double)'; exit 0 ;;
    -*) echo "modprobe: ERROR: unrecognized option '$1'" >&2; exit 1 ;;
    *) break ;;
  esac
  shift
done
[ $# -gt 0 ] || { echo 'modprobe: ERROR: missing parameters. See -h.' >&2; exit 1; }
fatal() { [ "$quiet" = 1 ] || echo "modprobe: FATAL: $*" >&2; exit 1; }
norm() { printf '%s' "$1" | tr - _; }
deps_of() { local e; for e in $KNOWN; do [ "\${e%%:*}" = "$1" ] && { printf '%s' "\${e#*:}" | tr , ' '; return 0; }; done; return 1; }
loaded() { [ -f "/sys/module/$1/initstate" ]; }
builtin() { [ -d "/sys/module/$1" ] && [ ! -f "/sys/module/$1/initstate" ]; }
users_of() { local e n; for e in $KNOWN; do n=\${e%%:*}; loaded "$n" || continue; case ",\${e#*:}," in *",$1,"*) printf '%s ' "$n" ;; esac; done; }
proc_modules() { [ -f /proc/modules ] && [ -w /proc/modules ]; }
load() {
  local m d x c p
  m=$1; shift
  builtin "$m" && return 0
  d=$(deps_of "$m") || fatal "Module $m not found in directory /lib/modules/$(uname -r)"
  for x in $d; do loaded "$x" || load "$x"; done
  loaded "$m" && return 0
  [ "$dry" = 1 ] && { echo "insmod /lib/modules/$(uname -r)/kernel/$m.ko"; return 0; }
  mkdir -p "/sys/module/$m/parameters" && echo 0 > "/sys/module/$m/refcnt" && echo live > "/sys/module/$m/initstate"
  for p in "$@"; do case "$p" in *=*) printf '%s\\n' "\${p#*=}" > "/sys/module/$m/parameters/\${p%%=*}" ;; esac; done
  for x in $d; do c=$(cat "/sys/module/$x/refcnt" 2>/dev/null || echo 0); echo $((c + 1)) > "/sys/module/$x/refcnt"; done
  if proc_modules; then printf '%s 16384 0 - Live 0x0000000000000000\\n' "$m" >> /proc/modules; fi
  case "$m" in br_netfilter) mkdir -p /proc/sys/net/bridge; ${bridge} ;; esac
}
unload() {
  local m d x c u
  m=$1
  builtin "$m" && fatal "Module $m is builtin."
  deps_of "$m" >/dev/null || fatal "Module $m not found."
  loaded "$m" || return 0
  u=$(users_of "$m")
  [ -z "$u" ] || fatal "Module $m is in use."
  [ "$dry" = 1 ] && { echo "rmmod $m"; return 0; }
  d=$(deps_of "$m")
  rm -rf "/sys/module/$m"
  if proc_modules; then grep -v "^$m " /proc/modules > /tmp/.modules.$$ || true; cat /tmp/.modules.$$ > /proc/modules; rm -f /tmp/.modules.$$; fi
  case "$m" in br_netfilter) rm -rf /proc/sys/net/bridge ;; esac
  for x in $d; do
    loaded "$x" || continue
    c=$(cat "/sys/module/$x/refcnt" 2>/dev/null || echo 1); echo $((c > 0 ? c - 1 : 0)) > "/sys/module/$x/refcnt" 2>/dev/null || true
    # like modprobe -r, dependencies nothing else uses go too
    [ -z "$(users_of "$x")" ] && unload "$x"
  done
  return 0
}
if [ "$remove" = 1 ] || [ "$all" = 1 ]; then
  for m in "$@"; do m=$(norm "$m"); if [ "$remove" = 1 ]; then unload "$m"; else load "$m"; fi; done
else
  m=$(norm "$1"); shift; load "$m" "$@"
fi
exit 0
`;
}

/** swapon double: -a (the fstab swap entries), PATH..., -s/--summary, --show. */
export function swaponDouble(): string {
  return `#!/bin/sh
# tsplay lab TEST DOUBLE of swapon (util-linux): lab hosts share the machine's kernel, so this only
# lists the area in the host's own /proc/swaps (lib/lab/kernel/doubles.ts). The file must exist.
set -u
all=0; show=0
for a in "$@"; do case "$a" in -a|--all) all=1 ;; -s|--summary) cat /proc/swaps; exit 0 ;; --show|--show=*) show=1 ;; -*) ;; esac; done
if [ "$show" = 1 ]; then
  awk 'NR > 1 { printf "%s %s %dK %dK %d\\n", $1, $2, $3, $4, $5 }' /proc/swaps | { read -r l && { echo 'NAME TYPE SIZE USED PRIO'; echo "$l"; cat; } || true; }
  exit 0
fi
active() { awk -v p="$1" 'NR > 1 && $1 == p { f = 1 } END { exit !f }' /proc/swaps; }
on() {
  p=$1
  [ -e "$p" ] || { echo "swapon: cannot open $p: No such file or directory" >&2; return 1; }
  if active "$p"; then [ "$all" = 1 ] && return 0; echo "swapon: $p: swapon failed: Device or resource busy" >&2; return 1; fi
  n=$(($(wc -l < /proc/swaps)))
  kb=$(( $(stat -c %s "$p") / 1024 - 4 )); [ "$kb" -gt 0 ] || kb=0
  type=file; [ -b "$p" ] && type=partition
  awk -v p="$p" -v t="$type" -v s="$kb" -v pr=$((-n - 1)) 'BEGIN { pad = 40 - length(p); if (pad < 1) pad = 1; printf "%s%*s%s\\t%d\\t%s0\\t\\t%d\\n", p, pad, " ", (t == "file" ? "file\\t" : t), s, (s < 10000000 ? "\\t" : ""), pr }' >> /proc/swaps
}
rc=0
if [ "$all" = 1 ]; then
  [ -f /etc/fstab ] && for p in $(awk '$1 !~ /^#/ && $3 == "swap" && $4 !~ /(^|,)noauto(,|$)/ { print $1 }' /etc/fstab); do on "$p" || rc=255; done
fi
for a in "$@"; do case "$a" in -*) ;; *) on "$a" || rc=255 ;; esac; done
exit $rc
`;
}

/** swapoff double: -a, PATH... */
export function swapoffDouble(): string {
  return `#!/bin/sh
# tsplay lab TEST DOUBLE of swapoff (util-linux): lab hosts share the machine's kernel, so this only
# removes areas from the host's own /proc/swaps (lib/lab/kernel/doubles.ts).
set -u
rc=0
for a in "$@"; do
  case "$a" in
    -a|--all) head -n 1 /proc/swaps > /tmp/.swaps.$$ && cat /tmp/.swaps.$$ > /proc/swaps; rm -f /tmp/.swaps.$$ ;;
    -*) ;;
    *) if awk -v p="$a" 'NR > 1 && $1 == p { f = 1 } END { exit !f }' /proc/swaps; then
         awk -v p="$a" 'NR == 1 || $1 != p' /proc/swaps > /tmp/.swaps.$$ && cat /tmp/.swaps.$$ > /proc/swaps; rm -f /tmp/.swaps.$$
       else echo "swapoff: $a: swapoff failed: Invalid argument" >&2; rc=255; fi ;;
  esac
done
exit $rc
`;
}
