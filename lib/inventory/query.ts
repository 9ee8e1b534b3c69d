// Membership questions: which hosts a group holds (Ansible's Group.get_hosts order), which groups
// a host is in (group_names), and the `groups` magic variable.
import { allGroupsOfHost, type InvGroup, type Inventory } from './model.js';

/**
 * Every host in the group or its descendants: the group's own hosts, then its children's, then
 * grandchildren's (breadth first), first occurrence wins. Ansible walks each level beyond the
 * children through a Python set, so its order there can vary between runs; here it is the order
 * the groups were declared in, every time.
 */
export function groupHosts(inv: Inventory, group: string): string[] {
  const start = inv.groups.get(group);
  if (!start) return [];
  const ordered: InvGroup[] = [start];
  const seen = new Set<string>([start.name]);
  let frontier: InvGroup[] = [start];
  while (frontier.length) {
    const next: InvGroup[] = [];
    for (const g of frontier) {
      for (const c of g.children) {
        if (seen.has(c)) continue;
        seen.add(c);
        const cg = inv.groups.get(c) as InvGroup;
        ordered.push(cg);
        next.push(cg);
      }
    }
    frontier = next;
  }
  const hosts: string[] = [];
  const have = new Set<string>();
  for (const g of ordered) {
    for (const h of g.hosts) {
      if (!have.has(h)) {
        have.add(h);
        hosts.push(h);
      }
    }
  }
  return hosts;
}

/** Every group the host is in, ancestors included, without 'all', sorted: Ansible's group_names. */
export function groupsOf(inv: Inventory, host: string): string[] {
  return [...allGroupsOfHost(inv, host)].filter((g) => g !== 'all').sort();
}

/** Ansible's `groups` magic variable: every group (all and ungrouped too) to its hosts. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = groupHosts(inv, name);
  return out;
}

/** Groups ordered for merging their vars: by depth, then ansible_group_priority, then name. */
export function sortGroups(inv: Inventory, names: Iterable<string>): InvGroup[] {
  const groups = [...names].map((n) => inv.groups.get(n)).filter((g): g is InvGroup => !!g);
  return groups.sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
