import type { Connection } from '../connection/types.js';
import type { Vars } from '../dsl/types.js';

// Fact gathering in one round trip: a POSIX script prints key=value lines that become the
// ansible_* facts kubespray-style templates use.
const SCRIPT = String.raw`
. /etc/os-release 2>/dev/null
echo "hostname=$(hostname -s 2>/dev/null || hostname)"
echo "fqdn=$(hostname -f 2>/dev/null || hostname)"
echo "nodename=$(uname -n)"
echo "distribution=\${NAME%% *}"
echo "distribution_version=\${VERSION_ID:-}"
echo "distribution_release=\${VERSION_CODENAME:-}"
echo "os_id=\${ID:-}"
echo "os_like=\${ID_LIKE:-}"
echo "kernel=$(uname -r)"
echo "architecture=$(uname -m)"
echo "system=$(uname -s)"
echo "vcpus=$(nproc 2>/dev/null || echo 1)"
echo "memtotal_kb=$(awk '/MemTotal/{print $2}' /proc/meminfo 2>/dev/null)"
echo "user_id=$(id -un)"
echo "swaps=$(awk 'NR>1' /proc/swaps 2>/dev/null | wc -l)"
r=$(ip -4 route get 1.1.1.1 2>/dev/null | head -1)
echo "def_if=$(echo "$r" | sed -n 's/.* dev \([^ ]*\).*/\1/p')"
echo "def_addr=$(echo "$r" | sed -n 's/.* src \([^ ]*\).*/\1/p')"
echo "ipv4=$(hostname -I 2>/dev/null)"
`;

export async function gatherFacts(conn: Connection): Promise<Vars> {
  const res = await conn.exec(SCRIPT);
  const kv: Record<string, string> = {};
  for (const line of res.stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  const osFamily = /debian|ubuntu/.test(`${kv.os_id} ${kv.os_like}`) ? 'Debian' : /rhel|fedora|centos/.test(`${kv.os_id} ${kv.os_like}`) ? 'RedHat' : kv.system;
  const facts: Vars = {
    ansible_hostname: kv.hostname,
    ansible_fqdn: kv.fqdn,
    ansible_nodename: kv.nodename,
    ansible_distribution: kv.distribution,
    ansible_distribution_version: kv.distribution_version,
    ansible_distribution_release: kv.distribution_release,
    ansible_os_family: osFamily,
    ansible_kernel: kv.kernel,
    ansible_architecture: kv.architecture,
    ansible_system: kv.system,
    ansible_processor_vcpus: Number(kv.vcpus) || 1,
    ansible_memtotal_mb: Math.floor(Number(kv.memtotal_kb || 0) / 1024),
    ansible_user_id: kv.user_id,
    ansible_swaptotal_entries: Number(kv.swaps) || 0,
    ansible_default_ipv4: kv.def_addr ? { address: kv.def_addr, interface: kv.def_if } : {},
    ansible_all_ipv4_addresses: (kv.ipv4 ?? '').split(/\s+/).filter((a) => a.includes('.')),
  };
  return { ...facts, ansible_facts: Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v])) };
}
