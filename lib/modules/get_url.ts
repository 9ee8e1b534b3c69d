import { posix } from 'node:path';
import type { FileDiff, ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import type { FileAttrArgs } from './common/attrs.js';
import { fileAttrSchema, planAttrs } from './common/attrs.js';
import { checkHeaders, clientFields, hostHttp, httpClientSchema, type HttpClientArgs } from './common/http.js';
import { parseProbe, runProbe } from './common/probe.js';
import { shq } from '../util/shell.js';

// get_url: download a URL on the host to `dest`, as Ansible 2.14's get_url decides: with a
// checksum, a dest that already has it is not downloaded again (unless force); without one, an
// existing dest is asked for with If-Modified-Since (304: unchanged) and replaced only when the
// body differs. The host streams the body into a private temp directory beside dest, checks the
// checksum there and renames it into place with its mode and owner already set (common/http.ts),
// so a wrong checksum or a cut-off download leaves dest as it was (Ansible removes dest then).
// Under --check it sends HEAD instead, as Ansible does.

export interface GetUrlArgs extends FileAttrArgs, HttpClientArgs {
  url: string;
  /** a file, or an existing directory (the file is named after the URL's last path part) */
  dest: string;
  /** '<algorithm>:<hex digest>', e.g. 'sha256:9f86d0...' */
  checksum?: string;
  /** download even when dest exists (and, with a checksum, already matches) */
  force?: boolean;
  headers?: Record<string, string>;
  timeout?: number;
}

export interface GetUrlResult extends ModuleResult {
  url: string;
  dest: string;
  msg: string;
  status_code?: number;
  checksum_src?: string;
  checksum_dest?: string;
  size?: number;
  mode?: string;
  owner?: string;
  group?: string;
  elapsed?: number;
  state?: 'file';
}

export const getUrlSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', pattern: '^https?://', description: 'an http:// or https:// URL' },
    dest: { type: 'string', pattern: '^/', description: 'an absolute path on the host' },
    checksum: { type: 'string', pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):', description: "'<algorithm>:<digest>' such as sha256:9f86d0..." },
    force: { type: 'boolean' },
    headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    timeout: { type: 'integer', minimum: 1 },
    ...httpClientSchema,
    ...fileAttrSchema,
  },
  required: ['url', 'dest'],
  additionalProperties: false,
} as const;

function parseChecksum(spec: string | undefined, what: string): { algorithm: string; digest: string } | undefined {
  if (spec === undefined) return undefined;
  const i = spec.indexOf(':');
  const algorithm = spec.slice(0, i);
  const raw = spec.slice(i + 1);
  if (/^(https?|ftp|file):\/\//.test(raw)) {
    throw new ModuleFailure(`${what}: a checksum URL is not supported; give the digest itself ('${algorithm}:<hex>'), e.g. from a lookup of the checksum file`);
  }
  // Ansible drops non-word characters and lower-cases it
  const digest = raw.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digest)) throw new ModuleFailure(`${what}: The checksum format is invalid ('${spec}'); give '<algorithm>:<hex digest>'`);
  return { algorithm, digest };
}

async function run(args: GetUrlArgs, ctx: ModuleContext): Promise<GetUrlResult> {
  const what = `get_url ${args.url}`;
  const sum = parseChecksum(args.checksum, what);
  const headers = checkHeaders(args.headers, what);
  // one round trip: dest (or the file in it), its parent, and its digest with the checksum's algorithm
  const urlName = posix.basename(new URL(args.url).pathname) || 'index.html';
  const inDir = `${args.dest.replace(/\/+$/, '')}/${urlName}`;
  const digestLine = (p: string, tag: string): string => (sum ? `if [ -f ${shq(p)} ]; then x=$(${sum.algorithm}sum < ${shq(p)}) && printf '${tag}|%s\\n' "\${x%% *}"; fi` : ':');
  const specs = [
    { path: args.dest, follow: true, checksum: true },
    { path: inDir, follow: true, checksum: true },
    { path: posix.dirname(args.dest.replace(/\/+$/, '') || '/'), follow: true },
  ];
  const probed = await runProbe(ctx, specs, [digestLine(args.dest, 'D0'), digestLine(inDir, 'D1')].join('\n'));
  if (probed.rc !== 0) throw new ModuleFailure(`${what}: cannot inspect ${args.dest}: ${probed.stderr.trim() || `rc ${probed.rc}`}`);
  const [d0, d1, parent] = parseProbe(probed.stdout, specs);
  const intoDir = d0.type === 'directory';
  const st = intoDir ? d1 : d0;
  const dest = st.path;
  const destDigest = new RegExp(`^${intoDir ? 'D1' : 'D0'}\\|(\\w+)$`, 'm').exec(probed.stdout)?.[1];
  if (!intoDir && !parent.exists) throw new ModuleFailure(`${what}: Destination ${parent.path} does not exist; create it first (file state=directory)`);
  if (st.exists && st.type !== 'file') throw new ModuleFailure(`${what}: ${dest} exists and is not a regular file`);

  const plan = planAttrs(dest, st.exists ? st : undefined, args, { isDir: false });
  const base: GetUrlResult = { changed: false, url: args.url, dest, msg: '' };
  const diff = (attrs: FileDiff['attrs']): Partial<GetUrlResult> => (ctx.diff && attrs && Object.keys(attrs).length ? { diff: [{ path: dest, attrs }] } : {});

  // a dest that already has the checksum is kept; only its attributes are made right
  if (st.exists && !args.force && sum && destDigest === sum.digest) {
    const attrs = Object.keys(plan.changes).length > 0;
    if (attrs && !ctx.check) {
      const r = await ctx.conn.exec(['set -e', ...plan.script].join('\n'), { become: ctx.become });
      if (r.rc !== 0) throw new ModuleFailure(`${what}: cannot set the attributes of ${dest}: ${r.stderr.trim()}`);
    }
    return { ...base, changed: attrs, msg: attrs ? 'file already exists but file attributes changed' : 'file already exists', checksum_dest: st.checksum, ...diff(plan.changes) };
  }

  // without a checksum (or with force off and a dest that differs): ask only if it changed since
  const conditional = st.exists && !args.force && !sum && st.mtime !== undefined;
  if (conditional) headers['If-Modified-Since'] = new Date((st.mtime as number) * 1000).toUTCString();
  const request = {
    url: args.url,
    method: ctx.check ? 'HEAD' : 'GET',
    headers,
    timeout: args.timeout ?? 10,
    follow_redirects: 'safe' as const,
    ...clientFields(args),
    want_body: false,
    download: ctx.check
      ? undefined
      : {
          dest,
          algorithm: sum?.algorithm,
          digest: sum?.digest,
          // a replaced file keeps its mode and owner unless the task names them (Ansible's atomic_move)
          mode: plan.mode ?? (st.exists ? st.mode : undefined),
          owner: args.owner ?? (st.exists ? String(st.uid) : undefined),
          group: args.group ?? (st.exists ? String(st.gid) : undefined),
          same_sha1: st.checksum,
        },
  };
  const res = await hostHttp(ctx, request, what);
  if (res.status === 304) return { ...base, msg: res.msg, status_code: 304, elapsed: res.elapsed };
  if (res.status !== 200) {
    throw new ModuleFailure(`Request failed: ${res.msg} (get_url ${args.url} on ${ctx.host})`, { ...base, msg: 'Request failed', status_code: res.status, response: res.msg });
  }
  const contentChange = { state: { before: st.exists ? `file sha1 ${st.checksum}` : 'absent', after: 'downloaded file' } };
  if (ctx.check) {
    return { ...base, changed: true, msg: res.msg, status_code: 200, ...diff({ ...contentChange, ...plan.changes }) };
  }
  if (res.checksum_mismatch !== undefined) {
    throw new ModuleFailure(`The checksum for ${dest} did not match ${sum?.digest}; it was ${res.checksum_mismatch}. ${st.exists ? 'dest was left as it was' : 'Nothing was written'}; check the URL and the checksum`, {
      ...base,
      status_code: 200,
    });
  }
  const out: GetUrlResult = { ...base, msg: res.msg, status_code: 200, checksum_src: res.sha1, checksum_dest: st.checksum, size: res.size, elapsed: res.elapsed, state: 'file' };
  if (!res.unchanged) return { ...out, changed: true, mode: plan.mode, ...diff({ ...contentChange, ...plan.changes }) };
  // same bytes: only the attributes, as Ansible's set_fs_attributes_if_different
  const attrs = Object.keys(plan.changes).length > 0;
  if (attrs) {
    const r = await ctx.conn.exec(['set -e', ...plan.script].join('\n'), { become: ctx.become });
    if (r.rc !== 0) throw new ModuleFailure(`${what}: cannot set the attributes of ${dest}: ${r.stderr.trim()}`);
  }
  return { ...out, changed: attrs, ...diff(plan.changes) };
}

export const get_url = defineModule<GetUrlArgs, GetUrlResult>({ name: 'get_url', schema: getUrlSchema, run });
