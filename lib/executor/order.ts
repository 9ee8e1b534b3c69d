import type { HostOrder } from '../dsl/types.js';

export const HOST_ORDERS: readonly HostOrder[] = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'];

export function badOrder(order: unknown): string {
  return `order '${String(order)}' is not one of ${HOST_ORDERS.join(', ')}`;
}

export function orderHosts(hosts: string[], order: HostOrder | undefined): string[] {
  switch (order ?? 'inventory') {
    case 'inventory':
      return [...hosts];
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle': {
      const a = [...hosts];
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    }
    default:
      throw new Error(badOrder(order));
  }
}
