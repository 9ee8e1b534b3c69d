// The parts of a Pod the double acts on, read defensively from a manifest or the API.
export interface ContainerSpec {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  /** container path → host path, from volumeMounts over hostPath volumes */
  mounts: Record<string, string>;
}

export interface PodSpecLite {
  name: string;
  namespace: string;
  containers: ContainerSpec[];
  hostNetwork: boolean;
  terminationGracePeriodSeconds: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);

export class PodSpecError extends Error {}

/** Reads a Pod object; throws PodSpecError naming the field when it is not a usable Pod. */
export function readPodSpec(pod: unknown, where: string): PodSpecLite {
  if (!isObj(pod)) throw new PodSpecError(`${where}: not an object`);
  if (pod['kind'] !== undefined && pod['kind'] !== 'Pod') throw new PodSpecError(`${where}: kind is ${JSON.stringify(pod['kind'])}, not "Pod"`);
  const meta = isObj(pod['metadata']) ? pod['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  if (!name) throw new PodSpecError(`${where}: metadata.name is missing`);
  const spec = isObj(pod['spec']) ? pod['spec'] : {};
  const volumes = new Map<string, string>();
  for (const v of Array.isArray(spec['volumes']) ? spec['volumes'] : []) {
    if (isObj(v) && typeof v['name'] === 'string' && isObj(v['hostPath']) && typeof v['hostPath']['path'] === 'string') {
      volumes.set(v['name'], v['hostPath']['path']);
    }
  }
  const list = Array.isArray(spec['containers']) ? spec['containers'] : [];
  if (!list.length) throw new PodSpecError(`${where}: spec.containers: Required value`);
  const containers = list.map((c, i): ContainerSpec => {
    if (!isObj(c) || typeof c['name'] !== 'string' || typeof c['image'] !== 'string') {
      throw new PodSpecError(`${where}: spec.containers[${i}]: name and image are required`);
    }
    const env: Record<string, string> = {};
    for (const e of Array.isArray(c['env']) ? c['env'] : []) if (isObj(e) && typeof e['name'] === 'string') env[e['name']] = String(e['value'] ?? '');
    const mounts: Record<string, string> = {};
    for (const m of Array.isArray(c['volumeMounts']) ? c['volumeMounts'] : []) {
      if (isObj(m) && typeof m['name'] === 'string' && typeof m['mountPath'] === 'string') {
        const host = volumes.get(m['name']);
        if (host) mounts[m['mountPath']] = host;
      }
    }
    return { name: c['name'], image: c['image'], command: strs(c['command']), args: strs(c['args']), env, mounts };
  });
  const grace = spec['terminationGracePeriodSeconds'];
  return {
    name,
    namespace: typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : 'default',
    containers,
    hostNetwork: spec['hostNetwork'] === true,
    terminationGracePeriodSeconds: typeof grace === 'number' ? grace : 30,
  };
}
