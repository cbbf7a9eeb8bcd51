# SPDX-License-Identifier: BSD-3-Clause
"""Run mifgw between network namespaces, for the integration suite.

A Topology makes three namespaces: a gateway namespace where mifgw runs on
net_af_packet ports, and one client namespace per port ("lan" on the
protected side, "wan" on the unprotected side), each joined to the gateway
by a veth pair. The gateway ends are up with no address and IPv6 disabled,
so the Linux stack in the gateway namespace stays silent and every answer
seen by a client comes from mifgw.

Every name carries a per-run tag with the creator's pid, so parallel runs
never collide, and a run that was killed outright is swept by the next one.
Cleanup (mifgw stopped by pid, helpers killed, namespaces deleted) runs on
close(), at exit and on SIGINT/SIGTERM/SIGHUP.

Addresses are all from the documentation ranges (RFC 5737, RFC 3849); no
packet leaves the namespaces made here.
"""

import atexit
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PYTHON = '/usr/bin/python3'
HERE = os.path.dirname(os.path.abspath(__file__))
EAL_MODE_FILE = '/run/mifgw/eal-mode'
DPDK_RUN_DIR = '/var/run/dpdk'
NS_PREFIX = 'mift-'

# mifgw logs this (NOTICE, to stderr) once its ports are started and its
# workers launched: control/main.c, "running: N ports, N workers".
READY_RE = re.compile(r'mif\.main: [a-z_]*: running: \d+ ports')
BLOCK_START = '=== mifgw counters ==='
BLOCK_END = '=== end ==='

# The default layout. Each side: the gateway's addresses on that port and
# the client's addresses, plus the client's default gateways.
SIDES = {
    'lan': {
        'role': 'protected',
        'gw4': '192.0.2.1', 'gw6': '2001:db8:1::1',
        'cl4': '192.0.2.2', 'cl6': '2001:db8:1::2',
        'len4': 24, 'len6': 64,
    },
    'wan': {
        'role': 'unprotected',
        'gw4': '198.51.100.1', 'gw6': '2001:db8:2::1',
        'cl4': '198.51.100.2', 'cl6': '2001:db8:2::2',
        'len4': 24, 'len6': 64,
    },
}

# The link between two gateways (Topology(gateways=2)): TEST-NET-3's top
# /28, clear of the prefixes the forwarding scenarios use.
MID = {'gw1_4': '203.0.113.241', 'gw2_4': '203.0.113.242', 'len4': 28,
       'gw1_6': '2001:db8:3::1', 'gw2_6': '2001:db8:3::2', 'len6': 64}
LAN_NET4, LAN_NET6 = '192.0.2.0/24', '2001:db8:1::/64'
WAN_NET4, WAN_NET6 = '198.51.100.0/24', '2001:db8:2::/64'

_live = []
VERBOSE = True      # the demo turns the harness's own log lines off


class HarnessError(Exception):
    pass


def log(msg):
    if not VERBOSE:
        return
    print(f'[harness {time.strftime("%H:%M:%S")}] {msg}', flush=True)


def run(argv, ns=None, check=True, timeout=30, **kw):
    """Run argv (in namespace ns) and return the CompletedProcess."""
    if ns is not None:
        argv = ['ip', 'netns', 'exec', ns] + list(argv)
    try:
        cp = subprocess.run(argv, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired as e:
        raise HarnessError(f'{" ".join(argv)}: timed out after {timeout}s')\
            from e
    if check and cp.returncode != 0:
        raise HarnessError(f'{" ".join(argv)}: exit {cp.returncode}: '
                           f'{cp.stderr.strip() or cp.stdout.strip()}')
    return cp


def eal_mode():
    """'huge' or 'no-huge': MIF_EAL_MODE, else what scripts/hugepages.sh
    recorded, else what /proc says now."""
    mode = os.environ.get('MIF_EAL_MODE')
    if mode in ('huge', 'no-huge'):
        return mode
    try:
        with open(EAL_MODE_FILE, encoding='ascii') as f:
            mode = f.read().strip()
        if mode in ('huge', 'no-huge'):
            return mode
    except OSError:
        pass
    free = 0
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            if line.startswith('HugePages_Free:'):
                free = int(line.split()[1])
    with open('/proc/mounts', encoding='ascii') as f:
        mounted = any(ln.split()[1:3] == ['/dev/hugepages', 'hugetlbfs']
                      for ln in f)
    return 'huge' if mounted and free >= 128 else 'no-huge'


def eal_mem_args():
    # DPDK 22.11 refuses --in-memory together with --no-huge (which
    # implies legacy memory); --no-shconf plus the unique file prefix
    # keeps such runs apart instead.
    if eal_mode() == 'no-huge':
        return ['--no-huge', '-m', '512', '--no-shconf']
    return ['--in-memory']


def sweep_stale():
    """Delete namespaces and work directories left by harness runs whose
    process is gone."""
    cp = run(['ip', 'netns', 'list'], check=False)
    for line in cp.stdout.splitlines():
        name = line.split()[0] if line.split() else ''
        m = re.match(re.escape(NS_PREFIX) + r'(\d+)-', name)
        if not m or os.path.exists(f'/proc/{m.group(1)}'):
            continue
        pids = run(['ip', 'netns', 'pids', name], check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        run(['ip', 'netns', 'del', name], check=False)
        log(f'removed stale namespace {name}')
    for base in (tempfile.gettempdir(), DPDK_RUN_DIR):
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            m = re.match(re.escape(NS_PREFIX) + r'(\d+)-', name)
            path = os.path.join(base, name)
            if m and not os.path.exists(f'/proc/{m.group(1)}') and \
                    os.path.isdir(path) and \
                    not os.environ.get('MIF_KEEP_LOGS'):
                shutil.rmtree(path, ignore_errors=True)


def _cleanup_all():
    for topo in list(_live):
        topo.close()


def _on_signal(signum, _frame):
    # meson sends SIGTERM on timeout and SIGKILL 0.5 s later: be quick.
    log(f'signal {signum}: cleaning up')
    _cleanup_all()
    os._exit(128 + signum)


atexit.register(_cleanup_all)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def parse_counters(text):
    """Parse the last counters block in text.

    Returns {'port': {name: {counter: value}}, 'drop': {reason: value},
    'other': {first word: [rest of line, ...]}}, or None if there is no
    complete block.
    """
    end = text.rfind(BLOCK_END)
    if end < 0:
        return None
    start = text.rfind(BLOCK_START, 0, end)
    if start < 0:
        return None
    res = {'port': {}, 'drop': {}, 'other': {}}
    body = text[start + len(BLOCK_START):end]
    for line in body.splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] == 'port' and len(f) == 4:
            res['port'].setdefault(f[1], {})[f[2]] = int(f[3])
        elif f[0] == 'drop' and len(f) == 3:
            res['drop'][f[1]] = int(f[2])
        else:
            res['other'].setdefault(f[0], []).append(' '.join(f[1:]))
    return res


class Gateway:
    """One mifgw process: its namespace, ports, config file and output.

    ports: list of {name, ifname, role, addrs: [cidr, ...], mtu}.
    """

    def __init__(self, topo, name, ns, ports, routes, neighbors):
        self.topo = topo
        self.name = name
        self.ns = ns
        self.ports = ports
        self.routes = list(routes)
        self.neighbors = list(neighbors)
        # EAL file prefix: DPDK leaves /var/run/dpdk/<prefix> behind.
        self.prefix = f'{NS_PREFIX}{topo.tag}-{name}'
        base = os.path.join(topo.dir, name)
        self.cfg_path = base + '.conf'
        self.out_path = base + '.out'
        self.err_path = base + '.err'
        self.proc = None
        self.exit_code = None

    def eal_args(self):
        t = self.topo
        lc = ['--lcores', t.lcores] if '@' in t.lcores else ['-l', t.lcores]
        return lc + ['--no-pci', f'--file-prefix={self.prefix}'] + \
            eal_mem_args()

    def write_config(self):
        t = self.topo
        q = lambda v: f'"{v}"'  # noqa: E731
        lines = [f'# {self.name}: written by tests/integration/harness.py',
                 '']
        if t.eal_in_file:
            lines.append('eal = [ ' + ', '.join(map(q, self.eal_args()))
                         + ' ];')
        lines += [
            'workers = [ ' + ', '.join(map(str, t.workers)) + ' ];',
            f'log = {{ level = "{t.log_level}"; }};',
            'dataplane = { ' + ' '.join(f'{k} = {v};' for k, v in
                                        t.dataplane.items()) + ' };',
            'ports = (',
        ]
        lines.append(',\n'.join(
            f'  {{ name = "{p["name"]}"; '
            f'dev = "net_af_packet{i},iface={p["ifname"]}"; '
            f'role = "{p["role"]}";\n'
            f'    addresses = [ {", ".join(map(q, p["addrs"]))} ]; '
            f'mtu = {p["mtu"]}; }}' for i, p in enumerate(self.ports)))
        lines.append(');')
        if self.routes:
            lines.append('routes = (')
            lines.append(',\n'.join(
                f'  {{ prefix = "{r["prefix"]}"; via = "{r["via"]}"; '
                f'port = "{r["port"]}"; }}' for r in self.routes))
            lines.append(');')
        if self.neighbors:
            lines.append('neighbors = (')
            ents = []
            for n in self.neighbors:
                mac = n['mac']
                if mac.startswith('client:'):
                    mac = t.mac('client', mac.split(':', 1)[1])
                ents.append(f'  {{ ip = "{n["ip"]}"; mac = "{mac}"; '
                            f'port = "{n["port"]}"; }}')
            lines.append(',\n'.join(ents))
            lines.append(');')
        with open(self.cfg_path, 'w', encoding='ascii') as f:
            f.write('\n'.join(lines) + '\n')

    def command(self):
        argv = [self.topo.mifgw]
        if not self.topo.eal_in_file:
            argv += self.eal_args()
        return argv + ['--', '-f', self.cfg_path]

    def start(self, timeout):
        argv = ['ip', 'netns', 'exec', self.ns] + self.command()
        log(f'start {self.name}: {" ".join(argv)}')
        with open(self.out_path, 'wb') as out, \
                open(self.err_path, 'wb') as err:
            # ip netns exec execs mifgw in place: this pid is mifgw's.
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_RE.search(self.stderr()) or \
                    READY_RE.search(self.stdout()):
                log(f'{self.name}: mifgw pid {self.proc.pid} ready')
                return
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                raise HarnessError(f'{self.name}: mifgw exited with '
                                   f'{self.exit_code} before it was ready')
            time.sleep(0.05)
        raise HarnessError(f'{self.name}: mifgw not ready after {timeout}s')

    def _read(self, path):
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def stdout(self):
        return self._read(self.out_path)

    def stderr(self):
        return self._read(self.err_path)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def counters(self, timeout=5):
        """SIGUSR1, then the counters block that the signal produced."""
        if not self.alive():
            raise HarnessError(f'{self.name}: mifgw is not running')
        before = self.stdout().count(BLOCK_END)
        os.kill(self.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.stdout()
            if text.count(BLOCK_END) > before:
                return parse_counters(text)
            time.sleep(0.05)
        raise HarnessError(f'{self.name}: no counters block within '
                           f'{timeout}s of SIGUSR1')

    def wait_counter(self, pred, timeout=10, interval=0.5):
        """Poll counters until pred(counters) is true; return the last."""
        deadline = time.monotonic() + timeout
        while True:
            c = self.counters()
            if pred(c) or time.monotonic() >= deadline:
                return c
            time.sleep(interval)

    def dump_logs(self, tail=60):
        for what, text in (('stdout', self.stdout()),
                           ('stderr', self.stderr())):
            lines = text.splitlines()
            print(f'---- {self.name} mifgw {what} (last {tail} of '
                  f'{len(lines)} lines)', file=sys.stderr)
            for ln in lines[-tail:]:
                print(ln, file=sys.stderr)
        sys.stderr.flush()

    def sanitizer_reports(self):
        """Lines in mifgw's stderr that come from ASan/UBSan/LSan."""
        pat = re.compile(r'ERROR: (Address|Leak)Sanitizer|runtime error:')
        return [ln for ln in self.stderr().splitlines() if pat.search(ln)]

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop mifgw with sig; return its exit code (None if killed)."""
        if self.proc is None:
            return self.exit_code
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f'{self.name}: mifgw pid {self.proc.pid} ignored '
                    f'signal {sig}; killing it')
                self.proc.kill()
                self.proc.wait()
                self.exit_code = None
                return None
        self.exit_code = self.proc.returncode
        return self.exit_code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(os.path.join(DPDK_RUN_DIR, self.prefix),
                      ignore_errors=True)


class Topology:
    """Namespaces, veth pairs and one or two mifgw processes.

    gateways=1: lan client - gw - wan client.
    gateways=2: lan client - gw - (link "mid") - gw2 - wan client; each
        gateway routes the far client's prefixes via the other's "mid"
        address. The wan client's gateway addresses are then gw2's.
    routes: list of dicts {prefix, via, port} added to the first gateway.
    neighbors: list of dicts {ip, mac, port}; mac may be 'client:<side>'
        to stand for that client interface's MAC address.
    client_extra: {side: [(address/len, dev), ...]} extra client addresses
        ('lo' or the veth).
    mtu: {side: IP MTU of the gateway port facing that client}.
    eal_in_file: put the EAL options in the config instead of argv.
    dataplane: overrides of the "dataplane" group's tunables.
    lcores: '-l' list, or a '--lcores' map when it holds '@' (to put more
        lcores than CPUs on the machine); workers: the worker lcore ids.

    The single-gateway attributes (proc, counters(), stop(), ...) act on
    the first gateway; gws lists them all.
    """

    def __init__(self, mifgw, routes=(), neighbors=(), client_extra=None,
                 mtu=None, eal_in_file=False, log_level='info',
                 dataplane=None, lcores='0,1', workers=(1,), gateways=1):
        self.mifgw = os.path.abspath(mifgw)
        self.client_extra = client_extra or {}
        self.eal_in_file = eal_in_file
        self.log_level = log_level
        # A small pool so several gateways fit at once; a short idle sleep
        # so the worker does not hold a shared core at 100%.
        self.dataplane = {'mbufs': 8192, 'burst': 32, 'neigh_timeout': 300,
                          'neigh_queue': 16, 'icmp_rate': 100,
                          'idle_sleep_us': 20}
        self.dataplane.update(dataplane or {})
        self.lcores = lcores
        self.workers = list(workers)
        mtu = mtu or {}

        self.tag = f'{os.getpid()}-{secrets.token_hex(2)}'
        short = secrets.token_hex(3)
        self.dir = tempfile.mkdtemp(prefix=f'{NS_PREFIX}{self.tag}-')
        self.ns = {'gw': f'{NS_PREFIX}{self.tag}-gw'}
        if gateways == 2:
            self.ns['gw2'] = f'{NS_PREFIX}{self.tag}-gw2'
        self.gw_if = {}
        self.cl_if = {}
        self.gw_of = {}     # client side -> the gateway namespace key
        for i, side in enumerate(SIDES):
            self.ns[side] = f'{NS_PREFIX}{self.tag}-{side}'
            self.gw_if[side] = f'v{short}g{i}'
            self.cl_if[side] = f'v{short}c{i}'
            self.gw_of[side] = 'gw2' if gateways == 2 and side == 'wan' \
                else 'gw'
        # Gateway-to-gateway veth: (ns key, ifname) at each end.
        self.links = []

        def port(side, name=None, role=None, addrs=None, ifname=None):
            s = SIDES.get(side, {})
            return {'name': name or side, 'role': role or s['role'],
                    'ifname': ifname or self.gw_if[side],
                    'addrs': addrs or [f'{s["gw4"]}/{s["len4"]}',
                                       f'{s["gw6"]}/{s["len6"]}'],
                    'mtu': mtu.get(side, 1500)}

        if gateways == 1:
            self.gws = [Gateway(self, 'gw', self.ns['gw'],
                                [port('lan'), port('wan')],
                                routes, neighbors)]
        elif gateways == 2:
            m1, m2 = f'v{short}m1', f'v{short}m2'
            self.links.append((('gw', m1), ('gw2', m2)))
            mid1 = port('mid', 'mid', 'unprotected',
                        [f'{MID["gw1_4"]}/{MID["len4"]}',
                         f'{MID["gw1_6"]}/{MID["len6"]}'], m1)
            mid2 = port('mid', 'mid', 'unprotected',
                        [f'{MID["gw2_4"]}/{MID["len4"]}',
                         f'{MID["gw2_6"]}/{MID["len6"]}'], m2)
            far = [(WAN_NET4, MID['gw2_4']), (WAN_NET6, MID['gw2_6'])]
            near = [(LAN_NET4, MID['gw1_4']), (LAN_NET6, MID['gw1_6'])]
            r1 = [{'prefix': p, 'via': v, 'port': 'mid'} for p, v in far]
            r2 = [{'prefix': p, 'via': v, 'port': 'mid'} for p, v in near]
            self.gws = [
                Gateway(self, 'gw', self.ns['gw'], [port('lan'), mid1],
                        r1 + list(routes), neighbors),
                Gateway(self, 'gw2', self.ns['gw2'],
                        [mid2, port('wan', role='protected')], r2, ()),
            ]
        else:
            raise ValueError('gateways must be 1 or 2')
        self.helpers = []
        self.closed = False
        # MIF_KEEP_LOGS=1 keeps the config and mifgw's output after close.
        self.keep_dir = os.environ.get('MIF_KEEP_LOGS') == '1'
        _live.append(self)

    # ---- the first gateway, as single-gateway tests use it -------------

    @property
    def gw(self):
        return self.gws[0]

    @property
    def proc(self):
        return self.gw.proc

    @property
    def exit_code(self):
        return self.gw.exit_code

    @property
    def cfg_path(self):
        return self.gw.cfg_path

    def eal_args(self):
        return self.gw.eal_args()

    def command(self):
        return self.gw.command()

    def stdout(self):
        return self.gw.stdout()

    def stderr(self):
        return self.gw.stderr()

    def alive(self):
        return self.gw.alive()

    def counters(self, timeout=5):
        return self.gw.counters(timeout)

    def wait_counter(self, pred, timeout=10, interval=0.5):
        return self.gw.wait_counter(pred, timeout, interval)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        return self.gw.stop(sig, timeout)

    def dump_logs(self, tail=60):
        for g in self.gws:
            g.dump_logs(tail)

    def sanitizer_reports(self):
        return [f'{g.name}: {ln}' for g in self.gws
                for ln in g.sanitizer_reports()]

    # ---- set-up ----------------------------------------------------

    def start(self, timeout=30):
        sweep_stale()
        self._make_namespaces()
        self._make_links()
        for g in self.gws:
            g.write_config()
        for g in self.gws:
            g.start(timeout)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, etype, _e, _tb):
        if etype is not None:
            self.dump_logs()
        self.close()
        return False

    def _sysctl(self, ns, **kv):
        args = [f'{k.replace("__", ".")}={v}' for k, v in kv.items()]
        run(['sysctl', '-qw'] + args, ns=ns)

    def _make_namespaces(self):
        for ns in self.ns.values():
            run(['ip', 'netns', 'add', ns])
            run(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
        # Gateway namespaces: no IPv6 at all, so the kernel sends no
        # router or neighbour solicitations and no MLD on mifgw's links.
        for g in self.gws:
            self._sysctl(g.ns,
                         net__ipv6__conf__all__disable_ipv6=1,
                         net__ipv6__conf__default__disable_ipv6=1)
        # Clients: addresses usable at once (no DAD wait), no RS noise.
        for side in SIDES:
            self._sysctl(self.ns[side],
                         net__ipv6__conf__all__accept_dad=0,
                         net__ipv6__conf__default__accept_dad=0,
                         net__ipv6__conf__default__router_solicitations=0)

    def _gw_end(self, ns, ifname):
        # veth leaves checksums partial when tx offload is on; a packet
        # socket then sees frames with wrong checksums.
        run(['ethtool', '-K', ifname, 'tx', 'off', 'rx', 'off', 'gro', 'off',
             'gso', 'off', 'tso', 'off'], ns=ns)
        run(['ip', '-n', ns, 'link', 'set', ifname, 'up'])

    def _make_links(self):
        for (k1, if1), (k2, if2) in self.links:
            run(['ip', 'link', 'add', if1, 'netns', self.ns[k1], 'type',
                 'veth', 'peer', 'name', if2, 'netns', self.ns[k2]])
            self._gw_end(self.ns[k1], if1)
            self._gw_end(self.ns[k2], if2)
        for side, s in SIDES.items():
            gw = self.ns[self.gw_of[side]]
            g, c, cns = self.gw_if[side], self.cl_if[side], self.ns[side]
            run(['ip', 'link', 'add', g, 'netns', gw, 'type', 'veth',
                 'peer', 'name', c, 'netns', cns])
            self._gw_end(gw, g)
            run(['ethtool', '-K', c, 'tx', 'off'], ns=cns)
            run(['ip', '-n', cns, 'link', 'set', c, 'up'])
            run(['ip', '-n', cns, 'addr', 'add',
                 f'{s["cl4"]}/{s["len4"]}', 'dev', c])
            run(['ip', '-n', cns, '-6', 'addr', 'add',
                 f'{s["cl6"]}/{s["len6"]}', 'dev', c, 'nodad'])
            run(['ip', '-n', cns, 'route', 'add', 'default',
                 'via', s['gw4']])
            run(['ip', '-n', cns, '-6', 'route', 'add', 'default',
                 'via', s['gw6']])
            for addr, dev in self.client_extra.get(side, ()):
                fam = '-6' if ':' in addr else '-4'
                dev = c if dev == 'veth' else dev
                extra = ['nodad'] if fam == '-6' else []
                run(['ip', '-n', cns, fam, 'addr', 'add', addr, 'dev', dev]
                    + extra)

    def mac(self, where, side):
        """MAC address of the gateway port facing client side ('gw'), or
        of that client's interface ('client')."""
        ns, ifname = ((self.ns[self.gw_of[side]], self.gw_if[side])
                      if where == 'gw'
                      else (self.ns[side], self.cl_if[side]))
        cp = run(['cat', f'/sys/class/net/{ifname}/address'], ns=ns)
        return cp.stdout.strip()

    # ---- acting ------------------------------------------------------

    def client(self, side, argv, **kw):
        return run(argv, ns=self.ns[side], **kw)

    def helper(self, side, argv):
        """Start a background process in a client namespace."""
        p = subprocess.Popen(['ip', 'netns', 'exec', self.ns[side]] + argv,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
        self.helpers.append(p)
        return p

    def python(self, side, script, args, timeout=30, check=True):
        return self.client(side, [PYTHON, os.path.join(HERE, script)]
                           + [str(a) for a in args],
                           timeout=timeout, check=check)

    def ping(self, side, dst, count=3, ttl=None, size=None, pmtu_do=False,
             interval=0.2, wait=2):
        """ping from a client; returns (received, output)."""
        argv = ['ping', '-n', '-c', str(count), '-i', str(interval),
                '-W', str(wait)]
        if ttl is not None:
            argv += ['-t', str(ttl)]
        if size is not None:
            argv += ['-s', str(size)]
        if pmtu_do:
            argv += ['-M', 'do']
        argv.append(dst)
        timeout = count * (interval + wait) + 10
        cp = self.client(side, argv, check=False, timeout=timeout)
        m = re.search(r'(\d+) received', cp.stdout)
        return (int(m.group(1)) if m else 0), cp.stdout + cp.stderr

    # ---- tear-down ---------------------------------------------------

    def close(self):
        if self.closed:
            return
        self.closed = True
        for p in self.helpers:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(2)
            except subprocess.TimeoutExpired:
                pass
        for g in self.gws:
            g.kill()
        for ns in self.ns.values():
            # Anything still inside (a helper's child) would keep the
            # namespace, and its veth, alive.
            cp = run(['ip', 'netns', 'pids', ns], check=False, timeout=5)
            for pid in cp.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
            run(['ip', 'netns', 'del', ns], check=False, timeout=5)
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)
