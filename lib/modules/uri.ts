import type { ModuleContext, ModuleResult } from './types.js';
import { defineModule, ModuleFailure } from './types.js';
import { checkHeaders, clientFields, headerFields, hostHttp, httpClientSchema, type HttpClientArgs } from './common/http.js';
import { decodeBytes } from '../util/bytetext.js';

// uri: an HTTP(S) request made by the host (common/http.ts), with Ansible 2.14's arguments and
// result: `status`, `msg`, `url`, `redirected`, `elapsed`, the response headers as keys
// (content_type, ...), `content` with return_content, `json` when the response is JSON, and a
// failure "Status code was N and not [..]: ..." when the status is not in status_code. Like
// Ansible's uri it does not run under --check (a request may change the server): it is skipped,
// unless the task says checkMode: false.

export interface UriArgs extends HttpClientArgs {
  url: string;
  /** GET (default), POST, PUT, PATCH, DELETE, HEAD, ... */
  method?: string;
  /** a string, or an object/array for body_format json or form-urlencoded */
  body?: unknown;
  body_format?: 'raw' | 'json' | 'form-urlencoded';
  headers?: Record<string, string>;
  /** accepted statuses (default [200]) */
  status_code?: number | number[];
  return_content?: boolean;
  timeout?: number;
  follow_redirects?: 'all' | 'yes' | 'safe' | 'none' | 'no' | 'urllib2';
}

export interface UriResult extends ModuleResult {
  status?: number;
  url?: string;
  redirected?: boolean;
  elapsed?: number;
  content?: string;
  json?: unknown;
  /** the response headers, lower-case with _ (content_type, content_length, location, ...) */
  [header: string]: unknown;
}

export const uriSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', pattern: '^https?://', description: 'an http:// or https:// URL' },
    method: { type: 'string', pattern: '^[A-Z]+$', description: 'a single word in uppercase, like GET or POST' },
    body: {},
    body_format: { enum: ['raw', 'json', 'form-urlencoded'] },
    headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    status_code: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] },
    return_content: { type: 'boolean' },
    timeout: { type: 'integer', minimum: 1 },
    follow_redirects: { enum: ['all', 'yes', 'safe', 'none', 'no', 'urllib2'] },
    ...httpClientSchema,
  },
  required: ['url'],
  additionalProperties: false,
} as const;

function formEncode(body: unknown, what: string): string {
  if (body === null || typeof body !== 'object') throw new ModuleFailure(`${what}: body_format form-urlencoded needs an object (or a string) as body`);
  const pairs: [string, string][] = Array.isArray(body) ? (body as [string, unknown][]).map(([k, v]) => [String(k), String(v)]) : Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
  // Python's urlencode: spaces as +
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`.replace(/%20/g, '+')).join('&');
}

/** The body's bytes and the Content-Type it implies (unless a header names one), as Ansible builds them. */
function buildBody(args: UriArgs, headers: Record<string, string>, what: string): string | undefined {
  if (args.body === undefined || args.body === null) return undefined;
  const fmt = args.body_format ?? 'raw';
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let text: string;
  if (fmt === 'json') {
    text = typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    if (!hasType) headers['Content-Type'] = 'application/json';
  } else if (fmt === 'form-urlencoded') {
    text = typeof args.body === 'string' ? args.body : formEncode(args.body, what);
    if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else {
    text = typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
  }
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Ansible's JSON_CANDIDATES: a subtype (or its +suffix) of json or javascript. */
function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const sub = (contentType.split(';')[0].split('/')[1] ?? '').trim().toLowerCase();
  const s = sub.includes('+') ? sub.split('+')[1] : sub;
  return s === 'json' || s === 'javascript';
}

async function run(args: UriArgs, ctx: ModuleContext): Promise<UriResult> {
  const what = `uri ${args.url}`;
  if (ctx.check) return { changed: false, skipped: true, msg: 'uri does not run under --check (as in Ansible: a request may change the server); set checkMode: false on the task to run it' };
  const headers = checkHeaders(args.headers, what);
  const body = buildBody(args, headers, what);
  const statuses = args.status_code === undefined ? [200] : Array.isArray(args.status_code) ? args.status_code : [args.status_code];
  const res = await hostHttp(
    ctx,
    {
      url: args.url,
      method: args.method ?? 'GET',
      headers,
      body,
      timeout: args.timeout ?? 30,
      follow_redirects: args.follow_redirects ?? 'safe',
      ...clientFields(args),
      want_body: true,
    },
    what,
  );
  const fields = headerFields(res.headers);
  const out: UriResult = { changed: false, ...fields, redirected: res.url !== args.url, url: res.url, status: res.status, msg: res.msg, elapsed: res.elapsed };
  if (fields.location !== undefined) out.location = new URL(fields.location, args.url).toString();
  const bytes = res.body !== undefined ? Buffer.from(res.body, 'base64') : undefined;
  const text = bytes ? decodeBytes(bytes) : undefined;
  if (text !== undefined && isJsonType(fields.content_type)) {
    try {
      out.json = JSON.parse(text);
    } catch {
      /* not JSON after all: Ansible leaves json out too */
    }
  }
  if (args.return_content && text !== undefined) out.content = text;
  if (!statuses.includes(res.status)) {
    const msg = `Status code was ${res.status} and not [${statuses.join(', ')}]: ${res.msg}`;
    throw new ModuleFailure(msg, { ...out, msg });
  }
  return out;
}

export const uri = defineModule<UriArgs, UriResult>({ name: 'uri', schema: uriSchema, run });
