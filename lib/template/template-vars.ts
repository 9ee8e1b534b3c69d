// The variables Ansible's template module and template lookup add while rendering a file
// (ansible-core's generate_ansible_template_vars): ansible_managed, template_host,
// template_path, template_fullpath, template_uid, template_run_date, template_mtime,
// template_destpath. Dates are the text Python's str(datetime) gives ("2024-05-01 10:02:03.123456").

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Vars } from './types.js';

/** ansible.cfg's default ansible_managed text (tsplay reads no ansible.cfg) */
export const ANSIBLE_MANAGED = 'Ansible managed';

/** Python's str(datetime): microseconds only when not zero. */
export function pyDatetime(d: Date, micros = d.getMilliseconds() * 1000): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return micros ? `${base}.${p(micros, 6)}` : base;
}

/**
 * datetime.fromtimestamp(os.path.getmtime(p)) as text: Python's float seconds
 * (sec + nsec * 1e-9), the fraction rounded half-even to microseconds.
 */
function mtimeText(ns: bigint): string {
  const t = Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) * 1e-9;
  let sec = Math.floor(t);
  const x = (t - sec) * 1e6;
  let us = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && us % 2 !== 0) us -= 1; // half to even
  if (us >= 1_000_000) { sec += 1; us -= 1_000_000; }
  return pyDatetime(new Date(sec * 1000), us);
}

/** The owner's user name from /etc/passwd, else the uid as text (as Ansible falls back). */
function ownerName(uid: number): string {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid) return f[0]!;
    }
  } catch { /* no passwd file */ }
  return String(uid);
}

/** `src` as the task gave it, `fullpath` the file found, `dest` the task's dest (template module). */
export function templateFileVars(src: string, fullpath: string, dest?: string): Vars {
  const st = fs.statSync(fullpath, { bigint: true });
  return {
    template_host: os.hostname(),
    template_path: src,
    template_mtime: mtimeText(st.mtimeNs),
    template_uid: ownerName(Number(st.uid)),
    template_run_date: pyDatetime(new Date()),
    template_destpath: dest ?? null,
    template_fullpath: path.resolve(fullpath),
    ansible_managed: ANSIBLE_MANAGED,
  };
}

/** `base` with `extra` in front: names in extra win, everything else reads through to base. */
export function overlayVars(base: Vars, extra: Vars): Vars {
  return new Proxy(base, {
    get: (t, k, r) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(extra, k) ? extra[k] : Reflect.get(t, k, r)),
    has: (t, k) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(extra, k)) || Reflect.has(t, k),
    getOwnPropertyDescriptor: (t, k) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(extra, k)
      ? { value: extra[k], enumerable: true, configurable: true, writable: false }
      : Reflect.getOwnPropertyDescriptor(t, k)),
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...Object.keys(extra)])],
  });
}
