import { shq, shqNamed } from '../util/shell.js';
import type { ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';

// Ansible's wait_for. The polling loop runs ON THE TARGET as one script (one round trip however
// long it waits). Ports are probed with bash's /dev/tcp under coreutils `timeout`, both present on
// every Debian host. search_regex is an extended regular expression (grep -E) matched per line,
// where Ansible uses Python's re. Read-only, so it also runs in check mode; never changed.

export interface WaitForArgs {
  /** default 127.0.0.1 */
  host?: string;
  port?: number;
  path?: string;
  /** started/stopped for ports, present/absent for paths; default started (present for paths) */
  state?: 'started' | 'stopped' | 'present' | 'absent';
  /** with path: wait until a line of the file matches (extended regex) */
  search_regex?: string;
  /** seconds; default 300 */
  timeout?: number;
  /** seconds to wait before the first check; default 0 */
  delay?: number;
  /** seconds between checks; default 1 */
  sleep?: number;
  /** seconds a single port connection attempt may take; default 5 */
  connect_timeout?: number;
  /** failure message instead of the default */
  msg?: string;
}

export interface WaitForResult extends ModuleResult {
  /** whole seconds waited */
  elapsed: number;
  state: string;
  port?: number;
  path?: string;
  search_regex?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9.:_-]+$' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    path: { type: 'string', minLength: 1 },
    state: { enum: ['started', 'stopped', 'present', 'absent'] },
    search_regex: { type: 'string' },
    timeout: { type: 'number', minimum: 0 },
    delay: { type: 'number', minimum: 0 },
    sleep: { type: 'number', exclusiveMinimum: 0 },
    connect_timeout: { type: 'number', exclusiveMinimum: 0 },
    msg: { type: 'string' },
  },
};

export const wait_for = defineModule<WaitForArgs, WaitForResult>({
  name: 'wait_for',
  schema,
  async run(args, ctx) {
    const host = args.host ?? '127.0.0.1';
    const timeout = args.timeout ?? 300;
    const delay = args.delay ?? 0;
    const pause = args.sleep ?? 1;
    const ct = args.connect_timeout ?? 5;
    if (args.port !== undefined && args.path !== undefined) throw new ModuleFailure('wait_for: port and path are mutually exclusive');
    if (args.search_regex !== undefined && args.path === undefined) throw new ModuleFailure('wait_for: search_regex needs path (matching port output is not supported)');
    const state = args.state ?? 'started';
    const isPort = args.port !== undefined;
    if (isPort && (state === 'present' || state === 'absent')) throw new ModuleFailure(`wait_for: state ${state} applies to path; use started or stopped with port`);

    let check: string;
    let failMsg: string;
    if (isPort) {
      const open = `timeout ${ct} bash -c ${shq(`</dev/tcp/${host}/${args.port}`)} 2>/dev/null`;
      check = state === 'stopped' ? `! ${open}` : open;
      failMsg = state === 'stopped' ? `Timeout when waiting for ${host}:${args.port} to stop.` : `Timeout when waiting for ${host}:${args.port}`;
    } else if (args.path !== undefined) {
      const p = shqNamed(args.path, "argument 'path'");
      if (state === 'absent' || state === 'stopped') {
        check = `[ ! -e ${p} ]`;
        failMsg = `Timeout when waiting for ${args.path} to be absent.`;
      } else if (args.search_regex !== undefined) {
        check = `[ -r ${p} ] && grep -Eq -- ${shq(args.search_regex)} ${p}`;
        failMsg = `Timeout when waiting for search string ${args.search_regex} in ${args.path}`;
      } else {
        check = `[ -e ${p} ]`;
        failMsg = `Timeout when waiting for file ${args.path}`;
      }
    } else {
      // no condition: just sleep for timeout seconds, like Ansible
      check = 'false';
      failMsg = '';
    }

    const script = [
      `sleep ${delay}`,
      `end=$(( $(date +%s) + ${Math.ceil(timeout)} ))`,
      'while :; do',
      `  if ${check}; then exit 0; fi`,
      '  [ "$(date +%s)" -ge "$end" ] && exit 3',
      `  sleep ${pause}`,
      'done',
    ].join('\n');
    const started = Date.now();
    const res = await ctx.conn.exec(script, { become: ctx.become, timeoutMs: (delay + timeout + ct + pause + 30) * 1000 });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const result: WaitForResult = { changed: false, elapsed, state, port: args.port, path: args.path, search_regex: args.search_regex };
    if (res.rc === 0 || (res.rc === 3 && !failMsg)) return result;
    if (res.rc === 3) throw new ModuleFailure(args.msg ?? failMsg, { elapsed });
    throw new ModuleFailure(`wait_for failed (rc ${res.rc}): ${res.stderr.trim()}`, { elapsed });
  },
});
