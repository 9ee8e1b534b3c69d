import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's service_facts (ansible-core 2.14) on Linux, in its order, in one exec:
// - sysv: where `service` exists and neither chkconfig nor rc-status does, `service --status-all`
//   (stdout) gives `[ + ] name` (running) and `[ - ] name` (stopped): { name, state, source: 'sysv' };
// - upstart: where `initctl` exists and chkconfig does not, `initctl list` gives
//   `name goal/state[, process N]`: { name, state, goal, source: 'upstart' };
// - systemd: `<unit>.service` = { name, state: running|stopped|<ActiveState>,
//   status: enabled|disabled|static|<bad state>, source: 'systemd' } from list-units,
//   list-unit-files, and `show` only for the unit files list-units did not name.
// Later scans override earlier ones by name, and no service at all is `skipped` with Ansible's
// message. Where tsplay differs: systemd is scanned wherever systemctl exists (Ansible also asks
// that PID 1 be systemd), and Red Hat's chkconfig, OpenRC, AIX and OpenBSD are not scanned.

export interface ServiceInfo {
  name: string;
  state: string;
  /** systemd: enabled, disabled, static, or the unit's bad state */
  status?: string;
  /** upstart: the job's goal (start, stop) */
  goal?: string;
  source: 'systemd' | 'sysv' | 'upstart';
}

export interface ServiceFactsResult extends ModuleResult {
  ansible_facts?: { services: Record<string, ServiceInfo> };
}

const SCRIPT = [
  // Ansible runs these with its parsable locale
  'LANG=C; LC_ALL=C; export LANG LC_ALL',
  'has() { command -v "$1" >/dev/null 2>&1; }',
  'if has service && ! has chkconfig && ! has rc-status; then',
  '  s=$(service --status-all 2>/dev/null); printf "@@sysv\n%s\n" "$s"',
  'fi',
  'if has initctl && ! has chkconfig; then',
  '  s=$(initctl list 2>/dev/null) && printf "@@upstart\n%s\n" "$s"',
  'fi',
  'has systemctl || { echo "@@none"; exit 0; }',
  'u=$(systemctl list-units --no-pager --type service --all) || exit 1',
  'f=$(systemctl list-unit-files --no-pager --type service --all) || exit 1',
  'printf "@@units\n%s\n@@files\n%s\n@@show\n" "$u" "$f"',
  // ActiveState of the unit files list-units left out, as Ansible asks for them one by one
  'uu=" $(printf %s "$u" | tr "\n\t" "  ") "',
  'printf "%s\n" "$f" | while read -r n rest; do case "$n" in *.service*) ;; *) continue;; esac',
  '  case "$uu" in *" $n "*) continue;; esac',
  '  printf "%s %s\n" "$n" "$(systemctl show "$n" --property=ActiveState 2>/dev/null)"',
  'done',
].join('\n');

/** The lines of one `@@name` section of the script's output. */
function sectionLines(out: string, name: string): string[] {
  const m = new RegExp(`(?:^|\\n)@@${name}\\n([\\s\\S]*?)(?=\\n@@|$)`).exec(out);
  return m ? m[1].split('\n') : [];
}

/** `service --status-all` lines, as Ansible's _list_sysvinit reads them. */
export function parseSysv(lines: readonly string[]): Record<string, ServiceInfo> {
  const services: Record<string, ServiceInfo> = {};
  for (const line of lines) {
    const m = /^\s*\[ (\+|-) \]\s+(.+)$/.exec(line);
    if (m) services[m[2]] = { name: m[2], state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
  return services;
}

/** `initctl list` lines, as Ansible's _list_upstart reads them. */
export function parseUpstart(lines: readonly string[]): Record<string, ServiceInfo> {
  const services: Record<string, ServiceInfo> = {};
  for (const line of lines) {
    const m = /^\s?(.*)\s(\w+)\/(\w+)(,\sprocess\s([0-9]+))?\s*$/.exec(line.replace(/\r/g, ''));
    if (m) services[m[1]] = { name: m[1], state: m[3], goal: m[2], source: 'upstart' };
  }
  return services;
}

const BAD_STATES = ['not-found', 'masked', 'failed'];

export function parseServices(out: string): Record<string, ServiceInfo> {
  // sysv, then upstart, then systemd: a later scan's entry of the same name wins, as in Ansible
  const services: Record<string, ServiceInfo> = { ...parseSysv(sectionLines(out, 'sysv')), ...parseUpstart(sectionLines(out, 'upstart')) };
  if (out.includes('@@none')) return services;
  const section = (name: string): string[] => sectionLines(out, name).filter((l) => l.includes('.service'));
  for (const line of section('units')) {
    let fields = line.trim().split(/\s+/);
    // a leading marker column (● for failed units) shifts the fields when a bad state shows
    let status = BAD_STATES.find((b) => fields.includes(b));
    if (status) fields = fields.slice(1);
    else status = fields[2] ?? 'unknown';
    const name = fields[0];
    services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
  const shown = new Map(section('show').map((l) => {
    const [n, prop = ''] = l.split(' ');
    return [n, prop.replace(/^ActiveState=/, '') || 'unknown'] as const;
  }));
  for (const line of section('files')) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name || status === undefined) throw new ModuleFailure(`service_facts: malformed line from systemctl list-unit-files: ${line}`);
    const known = services[name];
    if (!known) services[name] = { name, state: shown.get(name) ?? 'unknown', status, source: 'systemd' };
    else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
  }
  return services;
}

export const service_facts = defineModule<Record<string, never>, ServiceFactsResult>({
  name: 'service_facts',
  schema: { type: 'object', additionalProperties: false },
  async run(_args, ctx) {
    const res = await ctx.conn.exec(SCRIPT, { become: ctx.become });
    if (res.rc !== 0) throw new ModuleFailure(`service_facts: systemctl failed on ${ctx.host}: ${res.stderr.trim() || `rc ${res.rc}`}`);
    const services = parseServices(res.stdout);
    if (Object.keys(services).length === 0) {
      return { changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' };
    }
    const before = ctx.vars.ansible_facts;
    const dict = before !== null && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
    ctx.setFacts({ services, ansible_facts: { ...dict, services } });
    return { changed: false, ansible_facts: { services } };
  },
});
