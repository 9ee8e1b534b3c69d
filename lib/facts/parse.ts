// The gathering script's output -> Ansible's facts (names without the ansible_ prefix, Ansible's
// types: numbers where Ansible has ints, strings where it has strings).
import { distributionFacts, pkgMgr, serviceMgr } from './distribution.js';
import { dateTimeFacts } from './datetime.js';
import { networkFacts } from './network.js';
import { splitSections } from './script.js';

export type Facts = Record<string, unknown>;

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (text.includes('\0')) {
    for (const entry of text.split('\0')) {
      const i = entry.indexOf('=');
      if (i > 0) env[entry.slice(0, i).replace(/^\n/, '')] = entry.slice(i + 1);
    }
    return env;
  }
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[(last = m[1])] = m[2];
    else if (last) env[last] += `\n${line}`; // a value spanning lines (env without -0)
  }
  return env;
}

function meminfoMb(text: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
  return m ? Math.floor(Number(m[1]) / 1024) : 0;
}

export function parseFacts(out: string): Facts {
  const s = splitSections(out);
  const get = (k: string): string => s.get(k) ?? '';
  const [system = '', kernel = '', machine = '', nodename = '', kernelVersion = ''] = get('uname').split('\n');
  const paths = new Set(get('paths').split('\n').filter(Boolean));
  const dist = distributionFacts(get('os_release'), get('debian_version'), get('redhat_release'), system);
  const fqdn = get('fqdn').split('\n')[0] || nodename;
  const [userId = '', uid = '', gid = ''] = get('id').split('\n');
  const pw = get('passwd').split('\n')[0].split(':');
  const [vcpus, nproc] = get('cpus').split('\n').map(Number);
  const mem = get('meminfo');
  const facts: Facts = {
    ...dist,
    pkg_mgr: pkgMgr(paths, dist.os_family),
    service_mgr: serviceMgr(get('pid1'), get('sbin_init'), paths),
    system,
    kernel,
    kernel_version: kernelVersion,
    architecture: machine,
    machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    processor_vcpus: vcpus || nproc || 1,
    processor_nproc: nproc || vcpus || 1,
    memtotal_mb: meminfoMb(mem, 'MemTotal'),
    swaptotal_mb: meminfoMb(mem, 'SwapTotal'),
    user_id: userId,
    user_uid: Number(uid),
    user_gid: Number(gid),
    user_dir: pw[5] ?? '',
    user_shell: pw[6] ?? '',
    env: parseEnv(get('env')),
    date_time: dateTimeFacts(get('date'), get('tznames')),
    ...networkFacts(get('addr'), get('route4'), get('route6')),
  };
  return facts;
}
