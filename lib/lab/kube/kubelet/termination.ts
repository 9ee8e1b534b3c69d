// How long a pod of the API takes to stop once deleted. The real kubelet runs each container's
// preStop hook, then sends SIGTERM, then SIGKILL when the grace period ends; the pod is removed as
// soon as its containers are gone. The lab runs no process for these pods, so it models every
// container as one that exits at SIGTERM (most do, within a second) after its preStop hook: a
// `sleep N` exec hook (`["sleep","N"]`, `["sh","-c","sleep N"]`) or the sleep action
// (`preStop.sleep.seconds`) delays it N seconds; any other hook counts as instant. The grace period
// bounds the whole.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Seconds one container's preStop hook keeps it alive. */
export function preStopSeconds(container: unknown): number {
  if (!isObj(container) || !isObj(container['lifecycle']) || !isObj(container['lifecycle']['preStop'])) return 0;
  const hook = container['lifecycle']['preStop'];
  if (isObj(hook['sleep']) && typeof hook['sleep']['seconds'] === 'number') return Math.max(0, hook['sleep']['seconds']);
  const cmd = isObj(hook['exec']) && Array.isArray(hook['exec']['command']) ? hook['exec']['command'].map(String) : [];
  const text = cmd[0] && /(^|\/)sleep$/.test(cmd[0]) ? cmd.slice(1).join(' ') : (/(?:^|[;&|]\s*)sleep\s+(\d+(?:\.\d+)?)/.exec(cmd.slice(1).join(' '))?.[1] ?? '');
  const n = Number.parseFloat(text);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Milliseconds from now until the kubelet removes a deleted pod (grace 0 DELETE). */
export function removalDelayMs(spec: unknown, deletionTimestamp: string, now = Date.now()): number {
  const containers = isObj(spec) && Array.isArray(spec['containers']) ? spec['containers'] : [];
  // containers stop in parallel; one second for the SIGTERM → exit → status round trip
  const stopMs = (Math.max(0, ...containers.map(preStopSeconds)) + 1) * 1000;
  const at = Date.parse(deletionTimestamp);
  const graceLeft = Number.isNaN(at) ? 0 : Math.max(0, at - now);
  return Math.min(stopMs, graceLeft);
}
