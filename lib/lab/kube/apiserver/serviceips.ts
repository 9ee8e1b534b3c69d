// ClusterIP allocation from --service-cluster-ip-range (IPv4). The real server keeps a bitmap in
// /registry/ranges/serviceips and picks at random; the double takes the lowest free address among
// the stored Services (the first Service, `kubernetes`, gets .1 as in the real one).
import { badRequest } from './errors.js';

export interface Cidr {
  base: number;
  size: number;
}

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.split(',')[0]!.trim());
  if (!m || Number(m[5]) > 30 || m.slice(1, 5).some((o) => Number(o) > 255)) throw new Error(`invalid --service-cluster-ip-range "${text}"`);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  const base = Math.floor(toInt(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`) / size) * size;
  return { base, size };
}

export function contains(c: Cidr, ip: string): boolean {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
  const n = toInt(ip);
  return n > c.base && n < c.base + c.size - 1;
}

/** The lowest free address of the range (network and broadcast excluded). */
export function allocate(c: Cidr, used: ReadonlySet<string>): string {
  for (let n = c.base + 1; n < c.base + c.size - 1; n++) {
    const ip = toIp(n);
    if (!used.has(ip)) return ip;
  }
  throw badRequest('Internal error occurred: failed to allocate a serviceIP: range is full');
}

export const firstIp = (c: Cidr): string => toIp(c.base + 1);
