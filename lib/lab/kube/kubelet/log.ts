// klog-style lines on stderr, as the real kubelet writes them (systemd puts them in the journal;
// the lab's daemonless systemctl in /var/log/journal/kubelet.service.log):
//   I1202 05:26:41.123456    1234 kubelet.go:123] message
// The file:line part names the real kubelet source file the message comes from, for grep-ability.

export type Severity = 'I' | 'W' | 'E' | 'F';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function klogLine(sev: Severity, where: string, msg: string, now = new Date()): string {
  const head =
    `${sev}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ` +
    `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${pad(now.getUTCMilliseconds(), 3)}000`;
  return `${head} ${String(process.pid).padStart(7)} ${where}] ${msg}\n`;
}

export interface Logger {
  info(where: string, msg: string): void;
  warn(where: string, msg: string): void;
  error(where: string, msg: string): void;
}

export const log: Logger = {
  info: (where, msg) => void process.stderr.write(klogLine('I', where, msg)),
  warn: (where, msg) => void process.stderr.write(klogLine('W', where, msg)),
  error: (where, msg) => void process.stderr.write(klogLine('E', where, msg)),
};

/** Go's %q for the structured-logging form `key="value"`. */
export function q(s: string): string {
  return JSON.stringify(s);
}
