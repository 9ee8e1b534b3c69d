// Facts as a host sees them: every fact as ansible_<name>, and the same dict as ansible_facts
// (`ansible_facts['distribution']`), as Ansible exposes them with inject_facts_as_vars on.
import type { Facts } from './parse.js';

export function factVars(facts: Facts): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) vars[`ansible_${k}`] = v;
  vars.ansible_facts = { ...facts };
  return vars;
}

/**
 * setup's `filter`: shell-style patterns (`*`, `?`, `[..]`) on fact names, with or without the
 * ansible_ prefix, as Ansible matches them.
 */
export function filterFacts(facts: Facts, patterns: string[]): Facts {
  if (!patterns.length) return facts;
  const res = patterns.map((p) => new RegExp(`^${p.replace(/^ansible_/, '').replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return Object.fromEntries(Object.entries(facts).filter(([k]) => res.some((r) => r.test(k))));
}
