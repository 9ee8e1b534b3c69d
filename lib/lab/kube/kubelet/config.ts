// /var/lib/kubelet/config.yaml (KubeletConfiguration, kubelet.config.k8s.io/v1beta1) with the
// defaults of pkg/kubelet/apis/config/v1beta1/defaults.go for the fields the double acts on, and
// the command-line flags that override them (a flag wins over the file, as in the real kubelet).
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ParsedFlags } from '../common/flags.js';

export interface KubeletConfig {
  cgroupDriver: string;
  address: string;
  port: number;
  healthzBindAddress: string;
  healthzPort: number;
  /** '' = no static pods */
  staticPodPath: string;
  clusterDNS: string[];
  clusterDomain: string;
  failSwapOn: boolean;
  /** milliseconds */
  nodeStatusUpdateFrequency: number;
  nodeStatusReportFrequency: number;
  fileCheckFrequency: number;
  /** seconds; the Lease is renewed every quarter of it (nodeLeaseRenewIntervalFraction 0.25) */
  nodeLeaseDurationSeconds: number;
  maxPods: number;
  rotateCertificates: boolean;
}

export const DEFAULTS: KubeletConfig = {
  cgroupDriver: 'cgroupfs',
  address: '0.0.0.0',
  port: 10250,
  healthzBindAddress: '127.0.0.1',
  healthzPort: 10248,
  staticPodPath: '',
  clusterDNS: [],
  clusterDomain: '',
  failSwapOn: true,
  nodeStatusUpdateFrequency: 10_000,
  nodeStatusReportFrequency: 300_000,
  fileCheckFrequency: 20_000,
  nodeLeaseDurationSeconds: 40,
  maxPods: 110,
  rotateCertificates: false,
};

export class ConfigError extends Error {}

/** Go's time.ParseDuration for the units configs use: `10s`, `1m0s`, `500ms`, `1h`. */
export function parseDuration(text: string): number | null {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * units[m[2]!]!;
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : null;
}

/** Reads the config file the way the kubelet's `--config` loader does, then applies flags over it. */
export async function loadConfig(path: string | undefined, flags: ParsedFlags): Promise<KubeletConfig> {
  const cfg: KubeletConfig = { ...DEFAULTS };
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code);
      throw new ConfigError(
        `failed to load Kubelet config file ${path}, error failed to read kubelet config file "${path}", error: open ${path}: ${why}`,
      );
    }
    applyFile(cfg, text, path);
  }
  applyFlags(cfg, flags);
  return cfg;
}

type Obj = Record<string, unknown>;

function applyFile(cfg: KubeletConfig, text: string, path: string): void {
  const fail = (why: string): never => {
    throw new ConfigError(`failed to load Kubelet config file ${path}, error failed to decode, error: ${why}`);
  };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return fail(`error converting YAML to JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail(`Object 'Kind' is missing in '${text.trim().slice(0, 80)}'`);
  const o = doc as Obj;
  const kind = o['kind'];
  const apiVersion = o['apiVersion'];
  if (typeof kind !== 'string' || !kind) return fail(`Object 'Kind' is missing in '${text.trim().slice(0, 80)}'`);
  if (kind !== 'KubeletConfiguration' || apiVersion !== 'kubelet.config.k8s.io/v1beta1') {
    return fail(`no kind "${kind}" is registered for version "${String(apiVersion)}" in scheme "pkg/kubelet/apis/config/scheme/scheme.go:28"`);
  }
  const str = (k: keyof KubeletConfig & string): void => {
    const v = o[k];
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') fail(`json: cannot unmarshal ${typeof v} into Go struct field KubeletConfiguration.${k} of type string`);
    (cfg as unknown as Obj)[k] = v;
  };
  const num = (k: keyof KubeletConfig & string): void => {
    const v = o[k];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(`json: cannot unmarshal ${typeof v} into Go struct field KubeletConfiguration.${k} of type int32`);
    (cfg as unknown as Obj)[k] = v;
  };
  const dur = (k: keyof KubeletConfig & string): void => {
    const v = o[k];
    if (v === undefined || v === null) return;
    const ms = typeof v === 'string' ? parseDuration(v) : null;
    if (ms === null) fail(`time: invalid duration ${JSON.stringify(String(v))} (KubeletConfiguration.${k})`);
    (cfg as unknown as Obj)[k] = ms;
  };
  str('cgroupDriver');
  str('address');
  num('port');
  str('healthzBindAddress');
  num('healthzPort');
  str('staticPodPath');
  str('clusterDomain');
  num('nodeLeaseDurationSeconds');
  num('maxPods');
  dur('nodeStatusUpdateFrequency');
  dur('nodeStatusReportFrequency');
  dur('fileCheckFrequency');
  if (o['failSwapOn'] !== undefined) cfg.failSwapOn = o['failSwapOn'] !== false;
  if (o['rotateCertificates'] !== undefined) cfg.rotateCertificates = o['rotateCertificates'] === true;
  const dns = o['clusterDNS'];
  if (Array.isArray(dns)) cfg.clusterDNS = dns.map(String);
}

function applyFlags(cfg: KubeletConfig, flags: ParsedFlags): void {
  const f = (n: string): string | undefined => flags.flags.get(n);
  const int = (n: string, v: string): number => {
    if (!/^\d+$/.test(v)) throw new ConfigError(`invalid argument "${v}" for "--${n}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
  const dur = (n: string, v: string): number => {
    const ms = parseDuration(v);
    if (ms === null) throw new ConfigError(`invalid argument "${v}" for "--${n}" flag: time: invalid duration "${v}"`);
    return ms;
  };
  let v: string | undefined;
  if ((v = f('cgroup-driver')) !== undefined) cfg.cgroupDriver = v;
  if ((v = f('address')) !== undefined) cfg.address = v;
  if ((v = f('port')) !== undefined) cfg.port = int('port', v);
  if ((v = f('healthz-bind-address')) !== undefined) cfg.healthzBindAddress = v;
  if ((v = f('healthz-port')) !== undefined) cfg.healthzPort = int('healthz-port', v);
  if ((v = f('pod-manifest-path')) !== undefined) cfg.staticPodPath = v;
  if ((v = f('cluster-domain')) !== undefined) cfg.clusterDomain = v;
  if ((v = f('cluster-dns')) !== undefined) cfg.clusterDNS = v.split(',').filter(Boolean);
  if ((v = f('fail-swap-on')) !== undefined) cfg.failSwapOn = v === 'true';
  if ((v = f('max-pods')) !== undefined) cfg.maxPods = int('max-pods', v);
  if ((v = f('node-status-update-frequency')) !== undefined) cfg.nodeStatusUpdateFrequency = dur('node-status-update-frequency', v);
  if ((v = f('file-check-frequency')) !== undefined) cfg.fileCheckFrequency = dur('file-check-frequency', v);
  if ((v = f('rotate-certificates')) !== undefined) cfg.rotateCertificates = v === 'true';
  if (cfg.cgroupDriver !== 'cgroupfs' && cfg.cgroupDriver !== 'systemd') {
    throw new ConfigError(`invalid configuration: CgroupDriver (--cgroup-driver) ${JSON.stringify(cfg.cgroupDriver)} must be one of "cgroupfs" or "systemd"`);
  }
}
