import { shq } from '../../util/shell.js';
import { CHANGED_MARK, CHANGED_RC } from '../files.js';

// The Python helper: a persistent python3 on the host (kubespray's nodes have one; Ansible needs
// it) that does the two commonest jobs of file modules in-process — probing paths (stat, sha1,
// content) and writing a file atomically — where the shell spends two to six forked coreutils per
// task. It speaks the shell session's framing (session.ts) with byte counts, so the same
// ShellSession drives it; a request is a JSON object. Its output is byte for byte what the sh versions print
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
class Changed(Exception):
    rc = ${CHANGED_RC}
def parent_dir(pd, d, mkdirs):
    # name what is wrong where: the nearest existing ancestor that is not a directory, or the
    # missing directory (makedirs would only say "File exists" or "Not a directory")
    if os.path.isdir(pd): return
    a = pd
    while not os.path.lexists(a): a = os.path.dirname(a)
    if not os.path.isdir(a):
        raise Exception('%s is not a directory, so %s cannot be written under it; remove it or choose another path' % (a, d))
    if not mkdirs: raise Exception('directory %s does not exist; create it first' % pd)
    os.makedirs(pd, exist_ok=True)
def unchanged(dfd, base, d, b):
    # commit only if the destination is still what the content was planned from; the flock on
    # the directory is the one the sh path takes (connection/files.ts says why), held until dfd
    # is closed, after the rename
    import fcntl, time
    end = time.monotonic() + 60
    while True:
        try: fcntl.flock(dfd, fcntl.LOCK_EX | fcntl.LOCK_NB); break
        except BlockingIOError:
            if time.monotonic() > end: raise Exception('cannot lock the directory of %s (another write there has held it for 60 s); the file was not changed' % d)
            time.sleep(0.005)
    try:
        os.lstat(base, dir_fd=dfd)
        try:
            import hashlib
            fd = os.open(base, os.O_RDONLY, dir_fd=dfd)
            try:
                h = hashlib.sha1()
                while True:
                    c = os.read(fd, 1 << 20)
                    if not c: break
                    h.update(c)
                now = h.hexdigest()
            finally: os.close(fd)
        except OSError: now = 'unreadable'
    except FileNotFoundError: now = 'absent'
    if now != (b.get('sha1') or 'absent'):
        raise Changed('${CHANGED_MARK} %s changed on the host after it was read; nothing was written' % d)
def put(r, data):
    # The temp file is only ever named relative to the pinned directory and changed through its
    # descriptor (fchmod, fchown): a user who can write the directory cannot swap it for a link
    # to a file of root's between two steps (connection/files.ts says why).
    import hashlib
    if hashlib.sha1(data).hexdigest() != r['sha1']:
        raise Exception('the content did not arrive whole (checksum differs); the file was not changed')
    d = r['path']
    if r.get('followLink') and os.path.islink(d): d = os.path.realpath(d)
    d = os.path.abspath(d)
    pd, base = os.path.dirname(d), os.path.basename(d)
    parent_dir(pd, d, r.get('mkdirs'))
    dfd = os.open(pd, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try: old = os.stat(base, dir_fd=dfd)
        except FileNotFoundError: old = None
        t = '.tsplay.' + os.urandom(8).hex()
        fd = os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dfd)
        try:
            v = memoryview(data)
            while v: v = v[os.write(fd, v):]
            os.fchmod(fd, int(r['mode'], 8) if r.get('mode') else S.S_IMODE(old.st_mode) if old else 0o644)
            o, g = r.get('owner'), r.get('group')
            if o or g: os.fchown(fd, ident(o, pwd.getpwnam) if o else -1, ident(g, grp.getgrnam) if g else -1)
            if old and not (o and g):
                try: os.fchown(fd, -1 if o else old.st_uid, -1 if g else old.st_gid)
                except OSError: pass
            mine = os.fstat(fd)
            if r.get('basedOn') is not None: unchanged(dfd, base, d, r['basedOn'])
            os.rename(t, base, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            try: os.unlink(t, dir_fd=dfd)
            except OSError: pass
            raise
        finally:
            os.close(fd)
        now = os.lstat(base, dir_fd=dfd)
        if (now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino):
            raise Exception('%s: the temp file was replaced by another user while being written' % d)
    except OSError as x:
        # an error without a file name (ENOSPC from write, say) names the file being written
        if not getattr(x, 'filename', None): x.filename = d
        raise
    finally:
        os.close(dfd)
    return b''
ops = {'ping': lambda r, d: b'', 'probe': probe, 'put': put}
def exact(n):
    b = inp.read(n) if n else b''
    if len(b) != n: sys.exit(0)  # the controller went away mid-request: do nothing with half of it
    return b
# TERM (an interrupted run ending what it left running) unwinds like an error: a put removes
# its temp file on the way out
import signal
def _term(*_): sys.exit(143)
signal.signal(signal.SIGTERM, _term)
out.write(b'tsplay-shell %d\n' % os.getpid()); out.flush()
# request: "<id> <nonce> <json bytes> <data bytes>\n" <json> <data>; counted, never delimited
# (ssh/session.ts), and the reply ends with the request's nonce, which only the controller knows
while True:
    h = inp.readline()
    if not h: break
    f = h.split()
    if len(f) != 4 or not (f[0] + f[2] + f[3]).isdigit(): sys.exit(3)
    i, nonce = f[0], f[1]
    req = exact(int(f[2]))
    data = exact(int(f[3]))
    rc, o, e = 0, b'', b''
    try:
        r = loads(req)
        o = ops[r['op']](r, data)
    except Exception as x:
        rc = getattr(x, 'rc', 1)
        e = ('%s: %s' % (x.strerror, x.filename) if getattr(x, 'filename', None) else x.strerror) if getattr(x, 'strerror', None) else str(x)
        e = e.encode('utf-8', 'surrogateescape')
    out.write(o + b'\n' + nonce + b' ' + i + b' ' + str(rc).encode() + b'\n'); out.flush()
    err.write(e + b'\n' + nonce + b' ' + i + b'\n'); err.flush()
`;

/** The helper as a shell command line for `interpreter` (ansible_python_interpreter). */
export function helperScript(interpreter: string): string {
  // -S -E: no site-packages scan, no PYTHON* variables; the stdlib is all it needs (and starts faster)
  return `exec ${shq(interpreter)} -S -E -c ${shq(PY)}`;
}
