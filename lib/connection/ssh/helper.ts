import { shq } from '../../util/shell.js';
import { MARK } from './session.js';

// The Python helper: a persistent python3 on the host (kubespray's nodes have one; Ansible needs
// it) that does the two commonest jobs of file modules in-process — probing paths (stat, sha1,
// content) and writing a file atomically — where the shell spends two to six forked coreutils per
// task. It speaks the shell session's framing (session.ts), so the same ShellSession drives it;
// a request is one JSON line. Its output is byte for byte what the sh versions print
// (modules/common/probe.ts, connection/files.ts), so the parsers are shared. Hosts without
// python3 simply keep the sh path.

const PY = String.raw`
import sys, os, binascii, pwd, grp, stat as S
# json, base64 and hashlib would import re, enum and OpenSSL at start (14 ms of the helper's 26):
# requests are read with json's own C scanner, hashlib is imported at the first checksum
try:
    import _json
    class _Ctx:
        strict, object_hook, object_pairs_hook, parse_float, parse_int, parse_constant = True, None, None, float, int, None
    _scan = _json.make_scanner(_Ctx())
    def loads(b): return _scan(b.decode('utf-8', 'surrogatepass'), 0)[0]
except Exception:
    import json
    loads = json.loads
def b64(b): return binascii.b2a_base64(b, newline=False).decode()
M = b'${MARK}'
inp, out, err = sys.stdin.buffer, sys.stdout.buffer, sys.stderr.buffer
def name(f, i):
    try: return f(i)[0]
    except KeyError: return 'UNKNOWN'
def kind(m):
    if S.S_ISREG(m): return 'regular file'
    if S.S_ISDIR(m): return 'directory'
    if S.S_ISLNK(m): return 'symbolic link'
    return 'other'
def probe(r, data):
    o = []
    for i, s in enumerate(r['specs']):
        p = s['path']
        if not os.path.lexists(p):
            o.append('S|%d|0' % i); continue
        st = os.stat(p) if s.get('follow') and os.path.exists(p) else os.lstat(p)
        l = b64(os.fsencode(os.readlink(p))) if os.path.islink(p) else ''
        c = '-'
        if S.S_ISREG(st.st_mode):
            if s.get('checksum') or s.get('content'):
                with open(p, 'rb') as f: b = f.read()
                if s.get('checksum'):
                    import hashlib
                    c = hashlib.sha1(b).hexdigest()
                if s.get('content'): o.append('C|%d|%s' % (i, b64(b)))
        o.append('S|%d|1|%s|%o|%d|%d|%s|%s|%d|%d|%s|%s' % (i, kind(st.st_mode), S.S_IMODE(st.st_mode), st.st_uid, st.st_gid,
            name(pwd.getpwuid, st.st_uid), name(grp.getgrgid, st.st_gid), st.st_size, int(st.st_mtime), c, l))
    return ('\n'.join(o) + '\n').encode()
def ident(v, f):
    return int(v) if v.isdigit() else f(v)[2]
def put(r, data):
    d = r['path']
    if r.get('followLink') and os.path.islink(d): d = os.path.realpath(d)
    pd = os.path.dirname(d) or '/'
    if r.get('mkdirs'): os.makedirs(pd, exist_ok=True)
    elif not os.path.isdir(pd): raise Exception('directory %s does not exist; create it first' % pd)
    old = os.stat(d) if os.path.exists(d) else None
    t = os.path.join(pd, '.tsplay.' + os.urandom(5).hex())
    fd = os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, 'wb') as f: f.write(data)
        os.chmod(t, int(r['mode'], 8) if r.get('mode') else S.S_IMODE(old.st_mode) if old else 0o644)
        o, g = r.get('owner'), r.get('group')
        if o or g: os.chown(t, ident(o, pwd.getpwnam) if o else -1, ident(g, grp.getgrnam) if g else -1)
        if old and not (o and g):
            try: os.chown(t, -1 if o else old.st_uid, -1 if g else old.st_gid)
            except OSError: pass
        os.rename(t, d)
    except BaseException:
        os.unlink(t)
        raise
    return b''
ops = {'ping': lambda r, d: b'', 'probe': probe, 'put': put}
while True:
    h = inp.readline()
    if not h: break
    i, n = h.split()
    lines = []
    while True:
        l = inp.readline()
        if not l or l.rstrip(b'\n') == M: break
        lines.append(l)
    data = inp.read(int(n)) if int(n) else b''
    rc, o, e = 0, b'', b''
    try:
        r = loads(b''.join(lines))
        o = ops[r['op']](r, data)
    except Exception as x:
        rc, e = 1, (getattr(x, 'strerror', None) and '%s: %s' % (x.strerror, getattr(x, 'filename', '')) or str(x)).encode()
    out.write(o + b'\n' + M + b' ' + i + b' ' + str(rc).encode() + b'\n'); out.flush()
    err.write(e + b'\n' + M + b' ' + i + b'\n'); err.flush()
`;

/** The helper as a shell command line for `interpreter` (ansible_python_interpreter). */
export function helperScript(interpreter: string): string {
  // -S -E: no site-packages scan, no PYTHON* variables; the stdlib is all it needs (and starts faster)
  return `exec ${shq(interpreter)} -S -E -c ${shq(PY)}`;
}
