import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's service_facts for systemd: ansible_facts.services['<unit>.service'] =
// { name, state: running|stopped|<ActiveState>, status: enabled|disabled|static|<bad state>,
// source: 'systemd' }. One exec: list-units, list-unit-files, and `show` only for the unit files
// list-units did not name. Hosts without systemctl get an empty dict (Ansible's sysv/upstart/rc
// scanners are not implemented).

export interface ServiceInfo {
  name: string;
  state: string;
  status: string;
  source: 'systemd';
}

export interface ServiceFactsResult extends ModuleResult {
  ansible_facts: { services: Record<string, ServiceInfo> };
}

const SCRIPT = [
  'command -v systemctl >/dev/null 2>&1 || { echo "@@none"; exit 0; }',
  'u=$(systemctl list-units --no-pager --type service --all) || exit 1',
  'f=$(systemctl list-unit-files --no-pager --type service --all) || exit 1',
  'printf "@@units\\n%s\\n@@files\\n%s\\n@@show\\n" "$u" "$f"',
  // ActiveState of the unit files list-units left out, as Ansible asks for them one by one
  'uu=" $(printf %s "$u" | tr "\\n\\t" "  ") "',
  'printf "%s\\n" "$f" | while read -r n rest; do case "$n" in *.service*) ;; *) continue;; esac',
  '  case "$uu" in *" $n "*) continue;; esac',
  '  printf "%s %s\\n" "$n" "$(systemctl show "$n" --property=ActiveState 2>/dev/null)"',
  'done',
].join('\n');

const BAD_STATES = ['not-found', 'masked', 'failed'];

export function parseServices(out: string): Record<string, ServiceInfo> {
  const services: Record<string, ServiceInfo> = {};
  if (out.includes('@@none')) return services;
  const section = (name: string): string[] => {
    const m = new RegExp(`@@${name}\\n([\\s\\S]*?)(?=\\n@@|$)`).exec(out);
    return (m?.[1] ?? '').split('\n').filter((l) => l.includes('.service'));
  };
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
    else if (!BAD_STATES.includes(known.status)) known.status = status;
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
    const before = ctx.vars.ansible_facts;
    const dict = before !== null && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
    ctx.setFacts({ services, ansible_facts: { ...dict, services } });
    return { changed: false, ansible_facts: { services } };
  },
});
