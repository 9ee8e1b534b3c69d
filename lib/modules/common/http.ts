import { shq } from '../../util/shell.js';
import type { ModuleContext } from '../types.js';
import { ModuleFailure } from '../types.js';

// HTTP requests made BY THE HOST, as Ansible's uri and get_url make them: a short python3 program
// (urllib + ssl: CA file, validate_certs, client cert/key, redirects as follow_redirects says)
// reads the request as JSON on stdin and prints one JSON line with the response. For get_url it
// can stream the body into a private temp directory beside the destination, check its checksum
// there and rename it into place (fchmod/fchown on the descriptor first), so the controller never
// carries the download and a failed or cut-off one leaves the old file as it was.

/** How uri and get_url reach a server: TLS and authentication, as Ansible's url options. */
export interface HttpClientArgs {
  validate_certs?: boolean;
  /** CA bundle on the host */
  ca_path?: string;
  /** client certificate (PEM) on the host; may hold the key too */
  client_cert?: string;
  client_key?: string;
  url_username?: string;
  url_password?: string;
  force_basic_auth?: boolean;
}

export const httpClientSchema = {
  validate_certs: { type: 'boolean' },
  ca_path: { type: 'string', minLength: 1 },
  client_cert: { type: 'string', minLength: 1 },
  client_key: { type: 'string', minLength: 1 },
  url_username: { type: 'string' },
  url_password: { type: 'string' },
  force_basic_auth: { type: 'boolean' },
} as const;

/** The request fields the client args give (certificates are checked unless told otherwise). */
export function clientFields(args: HttpClientArgs): Pick<HttpRequest, 'validate_certs' | 'ca_path' | 'client_cert' | 'client_key' | 'url_username' | 'url_password' | 'force_basic_auth'> {
  const { ca_path, client_cert, client_key, url_username, url_password, force_basic_auth } = args;
  return { validate_certs: args.validate_certs !== false, ca_path, client_cert, client_key, url_username, url_password, force_basic_auth };
}

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** request body as base64 */
  body?: string;
  timeout: number;
  validate_certs: boolean;
  ca_path?: string;
  client_cert?: string;
  client_key?: string;
  follow_redirects: 'all' | 'yes' | 'safe' | 'none' | 'no' | 'urllib2';
  url_username?: string;
  url_password?: string;
  force_basic_auth?: boolean;
  /** get_url: stream the body to this path (atomically), instead of returning it */
  download?: {
    dest: string;
    /** 'sha256', ... and the hex digest the body must have */
    algorithm?: string;
    digest?: string;
    /** octal mode for the new file (already resolved) */
    mode?: string;
    owner?: string;
    group?: string;
    /** sha1 of what dest holds now: a body with this sha1 is not written (nothing changed) */
    same_sha1?: string;
  };
  /** return the body (base64) */
  want_body: boolean;
}

export interface HttpResponse {
  status: number;
  msg: string;
  url: string;
  headers: [string, string][];
  /** base64 */
  body?: string;
  elapsed: number;
  /** get_url: what was written */
  sha1?: string;
  digest?: string;
  size?: number;
  /** get_url: the body equals dest (nothing written) */
  unchanged?: boolean;
  /** get_url: the checksum did not match (nothing written) */
  checksum_mismatch?: string;
  error?: string;
}

const PROGRAM = String.raw`
import base64, hashlib, json, os, ssl, sys, tempfile, time, urllib.error, urllib.request
a = json.load(sys.stdin)
out = {"headers": [], "url": a["url"]}
def done(**kw):
    out.update(kw)
    sys.stdout.write(json.dumps(out) + "\n")
    sys.exit(0)
ctx = ssl.create_default_context(cafile=a.get("ca_path"))
if not a["validate_certs"]:
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
try:
    if a.get("client_cert"):
        ctx.load_cert_chain(a["client_cert"], a.get("client_key"))
except Exception as e:
    done(status=-1, msg="Request failed: cannot load client_cert/client_key: %s" % e, elapsed=0)
fr = a["follow_redirects"]
class Redirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, hdrs, newurl):
        if fr in ("none", "no"):
            return None
        if fr == "safe" and req.get_method() not in ("GET", "HEAD"):
            return None
        if fr in ("all", "yes") and req.get_method() not in ("GET", "HEAD"):
            # keep the method and body, as Ansible's "all" does
            return urllib.request.Request(newurl, data=req.data, headers=req.headers, method=req.get_method())
        return urllib.request.HTTPRedirectHandler.redirect_request(self, req, fp, code, msg, hdrs, newurl)
handlers = [urllib.request.HTTPSHandler(context=ctx), Redirect()]
headers = dict(a["headers"])
if a.get("url_username") is not None:
    if a.get("force_basic_auth"):
        tok = base64.b64encode(("%s:%s" % (a["url_username"], a.get("url_password") or "")).encode()).decode()
        headers["Authorization"] = "Basic " + tok
    else:
        pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        pm.add_password(None, a["url"], a["url_username"], a.get("url_password") or "")
        handlers.append(urllib.request.HTTPBasicAuthHandler(pm))
opener = urllib.request.build_opener(*handlers)
body = base64.b64decode(a["body"]) if a.get("body") is not None else None
req = urllib.request.Request(a["url"], data=body, headers=headers, method=a["method"])
start = time.time()
try:
    r = opener.open(req, timeout=a["timeout"])
    status, hdrs, final = r.status, r.headers, r.geturl()
    msg = "OK (%s bytes)" % hdrs.get("Content-Length", "unknown")
except urllib.error.HTTPError as e:
    r, status, hdrs, final, msg = e, e.code, e.headers, e.geturl() or a["url"], str(e)
except Exception as e:
    done(status=-1, msg="Request failed: %s" % e, elapsed=int(time.time() - start))
out.update(status=status, msg=msg, url=final, headers=[[k.lower(), v] for k, v in hdrs.items()])
d = a.get("download")
if d is None or status != 200:
    data = r.read()
    done(body=base64.b64encode(data).decode() if (a["want_body"] or d is not None) else None, elapsed=int(time.time() - start))
# get_url: into a private directory beside dest, checked, then renamed over dest
dest = d["dest"]
tmpdir = tempfile.mkdtemp(prefix=".tsplay.", dir=os.path.dirname(dest) or ".")
try:
    h1 = hashlib.sha1()
    hx = hashlib.new(d["algorithm"]) if d.get("algorithm") else None
    size = 0
    fd = os.open(os.path.join(tmpdir, "f"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            h1.update(chunk)
            if hx: hx.update(chunk)
            size += len(chunk)
            f.write(chunk)
        if hx and d.get("digest") and hx.hexdigest() != d["digest"].lower():
            done(checksum_mismatch=hx.hexdigest(), size=size, elapsed=int(time.time() - start))
        if d.get("same_sha1") == h1.hexdigest():
            done(sha1=h1.hexdigest(), digest=hx.hexdigest() if hx else None, size=size, unchanged=True, elapsed=int(time.time() - start))
        import pwd, grp
        uid = -1 if d.get("owner") is None else (int(d["owner"]) if d["owner"].isdigit() else pwd.getpwnam(d["owner"]).pw_uid)
        gid = -1 if d.get("group") is None else (int(d["group"]) if d["group"].isdigit() else grp.getgrnam(d["group"]).gr_gid)
        if uid != -1 or gid != -1:
            os.fchown(f.fileno(), uid, gid)
        if d.get("mode"):
            os.fchmod(f.fileno(), int(d["mode"], 8))
        else:
            um = os.umask(0); os.umask(um)
            os.fchmod(f.fileno(), 0o666 & ~um)
        f.flush()
        os.fsync(f.fileno())
    os.rename(os.path.join(tmpdir, "f"), dest)
    done(sha1=h1.hexdigest(), digest=hx.hexdigest() if hx else None, size=size, elapsed=int(time.time() - start))
finally:
    for n in os.listdir(tmpdir):
        os.unlink(os.path.join(tmpdir, n))
    os.rmdir(tmpdir)
`;

/** Run `req` on the host with its python3 (ansible_python_interpreter); the response as JSON. */
export async function hostHttp(ctx: ModuleContext, req: HttpRequest, what: string): Promise<HttpResponse> {
  // a NUL would cut a path or URL short on the host (the request body travels as base64)
  for (const [k, v] of Object.entries({ url: req.url, ca_path: req.ca_path, client_cert: req.client_cert, client_key: req.client_key, dest: req.download?.dest })) {
    if (v?.includes('\0')) throw new ModuleFailure(`${what}: argument '${k}' contains a NUL byte (\\u0000), which no program on the host can receive; remove it`);
  }
  const interp = typeof ctx.vars.ansible_python_interpreter === 'string' ? ctx.vars.ansible_python_interpreter : 'python3';
  const py = interp.trim().split(/\s+/).map((w) => shq(w)).join(' ');
  const res = await ctx.conn.exec(`${py} -c ${shq(PROGRAM)}`, { stdin: JSON.stringify(req), become: ctx.become });
  const line = res.stdout.trim().split('\n').pop() ?? '';
  if (res.rc !== 0 || !line.startsWith('{')) {
    const err = res.stderr.trim().split('\n').slice(-1)[0] || `rc ${res.rc}`;
    if (res.rc === 127 || /not found/.test(err)) {
      throw new ModuleFailure(`${what}: ${interp} is needed on ${ctx.host} to make the request there (as Ansible): ${err}; install python3 or set ansible_python_interpreter`);
    }
    throw new ModuleFailure(`${what}: the request on ${ctx.host} failed: ${err}`);
  }
  return JSON.parse(line) as HttpResponse;
}

/** Ansible's response dict: headers as lower-case keys with - turned into _. */
export function headerFields(headers: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) {
    const key = k.replace(/-/g, '_').toLowerCase();
    out[key] = out[key] !== undefined ? `${out[key]}, ${v}` : v;
  }
  return out;
}

/** Request headers from a NUL-free map (a NUL would be cut off by the host). */
export function checkHeaders(headers: Record<string, unknown> | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const s = String(v);
    if (/[\0\r\n]/.test(k + s)) throw new ModuleFailure(`${what}: header '${k.replace(/[\0\r\n]/g, '?')}' contains a NUL or line break; remove it`);
    out[k] = s;
  }
  return out;
}
