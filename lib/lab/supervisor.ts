// Restart= for lab hosts. The daemonless systemctl (Debian's `systemctl` package, 1.4) starts a
// service and exits; nothing watches the service afterwards, so a unit with Restart=always stays
// down when its process exits, where systemd would start it again after RestartSec (kubeadm relies
// on that: it starts the kubelet before kubelet.conf exists). The script's own `init` mode would
// have to be PID 1 instead of tini and does not restart either in this version.
//
// So each host runs a small supervisor between tini and sshd: `tini -- python3 supervise.py --
// sshd -D ...`. It makes itself a child subreaper (prctl), so the services systemctl forks and then
// leaves behind are re-parented to it rather than to tini; it reaps them (tini still reaps whatever
// escapes it) and so sees each service's exit status. When a reaped process is the MainPID of a
// unit in the script's status file (/run/<unit>.status; `systemctl stop` deletes that file before
// it kills, so a stopped service is never found) and the unit's Restart= applies to how it ended,
// it runs `systemctl start <unit>` after RestartSec, unless someone started or stopped the unit
// meanwhile. A service that ends within systemctl's first half second is reaped by systemctl
// itself, before the supervisor can see it: a scan of the status files every 2 s finds those (a
// MainPID that no longer exists) and treats them as failed, exit status unknown. Otherwise it
// sleeps in wait(2). It exits with sshd's status, as sshd used to be tini's child. Python because
// the script is Python, so every host has python3; nothing from the checkout.
import { writeUpper } from './upper.js';

export const SUPERVISOR = '/usr/lib/tsplay-lab/supervise.py';
export const PYTHON = '/usr/bin/python3';

const SCRIPT = String.raw`# tsplay lab: Restart= for services started by the daemonless systemctl (lib/lab/supervisor.ts)
import ctypes, os, re, signal, sys, threading, time

PR_SET_CHILD_SUBREAPER = 36
UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system']
STATUS_DIRS = ['/run', '/var/run']
CLEAN_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)
SYSTEMCTL = '/usr/bin/systemctl'
LOG = '/run/tsplay-lab-supervisor.log'

def log(msg):
    try:
        with open(LOG, 'a') as f:
            f.write(msg + '\n')
    except OSError:
        pass

def unit_of(pid):
    """The unit whose status file names pid as its MainPID, or None."""
    seen = set()
    for d in STATUS_DIRS:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            if not n.endswith('.status'):
                continue
            path = os.path.join(d, n)
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            if main_pid(path) == pid:
                return n[:-len('.status')]
    return None

def main_pid(path):
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r'MainPID[:=]\s*(\d+)', line)
                if m:
                    return int(m.group(1))
    except OSError:
        pass
    return None

def service_settings(unit):
    """Restart= and RestartSec= of [Service]: the unit file, then its drop-ins, last one wins."""
    files = []
    for d in UNIT_DIRS:
        p = os.path.join(d, unit)
        if os.path.isfile(p):
            files.append(p)
            break
    drop = {}
    for d in reversed(UNIT_DIRS):
        dd = os.path.join(d, unit + '.d')
        if os.path.isdir(dd):
            for n in os.listdir(dd):
                if n.endswith('.conf'):
                    drop[n] = os.path.join(dd, n)
    files += [drop[n] for n in sorted(drop)]
    out = {'Restart': 'no', 'RestartSec': '100ms'}
    for p in files:
        section = ''
        try:
            lines = open(p).read().splitlines()
        except OSError:
            continue
        for line in lines:
            line = line.strip()
            if line.startswith('['):
                section = line
            elif section == '[Service]' and '=' in line and not line.startswith(('#', ';')):
                k, v = line.split('=', 1)
                if k.strip() in out:
                    out[k.strip()] = v.strip() or out[k.strip()]
    return out

def seconds(text):
    """systemd time spans: 10, 10s, 100ms, 1min 30s."""
    total = 0.0
    for num, suffix in re.findall(r'([\d.]+)\s*([a-z]*)', text):
        mult = {'': 1, 's': 1, 'sec': 1, 'ms': 0.001, 'msec': 0.001, 'us': 1e-6, 'm': 60, 'min': 60, 'h': 3600, 'hr': 3600}.get(suffix)
        if mult is None:
            return 0.1
        total += float(num) * mult
    return total

def restarts(policy, status):
    """Whether systemd's Restart=policy restarts a main process that ended with wait status (None: unknown, a failure)."""
    if status is None:
        return policy in ('always', 'on-failure')
    clean = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 or os.WIFSIGNALED(status) and os.WTERMSIG(status) in CLEAN_SIGNALS
    abort = os.WIFSIGNALED(status) and os.WTERMSIG(status) not in CLEAN_SIGNALS
    return {'always': True, 'on-success': clean, 'on-failure': not clean, 'on-abnormal': abort, 'on-abort': abort}.get(policy, False)

def how(status):
    if status is None:
        return 'exited while systemctl was starting it, status unknown'
    if os.WIFEXITED(status):
        return 'status=%d' % os.WEXITSTATUS(status)
    return 'signal=%d' % os.WTERMSIG(status)

def later(unit, pid):
    # started or stopped meanwhile (the status file names another process, or is gone): leave it
    if unit_of(pid) != unit:
        log('%s: not restarted: started or stopped meanwhile' % unit)
        return
    log('%s: scheduled restart job' % unit)
    try:
        os.posix_spawn(SYSTEMCTL, [SYSTEMCTL, 'start', unit], dict(os.environ))
    except OSError as e:
        log('%s: systemctl start: %s' % (unit, e))

handled = set()
lock = threading.Lock()

def ended(unit, pid, status):
    with lock:
        if (unit, pid) in handled:
            return
        handled.add((unit, pid))
    s = service_settings(unit)
    if not restarts(s['Restart'], status):
        log('%s: main process exited, %s; Restart=%s: stays down' % (unit, how(status), s['Restart']))
        return
    delay = seconds(s['RestartSec'])
    log('%s: main process exited, %s; restart in %gs' % (unit, how(status), delay))
    t = threading.Timer(delay, later, (unit, pid))
    t.daemon = True
    t.start()

def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True

def scan():
    """Every 2 s: units whose MainPID is gone without the supervisor having reaped it."""
    while True:
        time.sleep(2)
        seen = set()
        for d in STATUS_DIRS:
            try:
                names = [n for n in os.listdir(d) if n.endswith('.status')]
            except OSError:
                continue
            for n in names:
                path = os.path.join(d, n)
                if os.path.realpath(path) in seen:
                    continue
                seen.add(os.path.realpath(path))
                pid = main_pid(path)
                if pid and not alive(pid):
                    # reaped by systemctl itself (or by the loop below a moment ago: then already handled)
                    time.sleep(0.2)
                    if main_pid(path) == pid:
                        ended(n[:-len('.status')], pid, None)

def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--']:
        argv = argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        log('prctl(PR_SET_CHILD_SUBREAPER): errno %d' % ctypes.get_errno())
    child = os.posix_spawn(argv[0], argv, dict(os.environ))
    threading.Thread(target=scan, daemon=True).start()
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, lambda sig, _f: os.kill(child, sig))
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            sys.exit(0)
        except InterruptedError:
            continue
        if pid == child:
            sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
        unit = unit_of(pid)
        if unit:
            ended(unit, pid, status)

main()
`;

/** Writes the supervisor into a host's upper dir. */
export async function writeSupervisor(upper: string): Promise<void> {
  await writeUpper(upper, SUPERVISOR, SCRIPT, { mode: 0o644 });
}

/** The command that runs `cmd` under the supervisor. */
export function supervised(cmd: readonly string[]): string[] {
  return [PYTHON, SUPERVISOR, '--', ...cmd];
}
