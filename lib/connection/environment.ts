import type { Connection, ExecOptions } from './types.js';

/**
 * The connection a task's module talks through, with the task's `environment` given to every
 * command it runs (a command's own env, set by the module, wins over the task's).
 */
export function withEnvironment(conn: Connection, env: Readonly<Record<string, string>>): Connection {
  if (Object.keys(env).length === 0) return conn;
  return new Proxy(conn, {
    get(target, key) {
      if (key === 'exec') return (script: string, opts: ExecOptions = {}) => target.exec(script, { ...opts, env: { ...env, ...opts.env } });
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
