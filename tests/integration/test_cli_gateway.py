#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The CLI inside the running gateway, end to end.

    test_cli_gateway.py MIFGW [ipsec]

The harness starts mifgw between a lan and a wan client namespace with
the CLI on its default address (127.0.0.1:2323 of the gateway's own
namespace). This script then moves itself into that namespace, so
Debian's telnet (in a pseudo-terminal), nc and raw sockets reach the CLI
as an operator on the host would, and checks every documented command's
output against what the gateway really does while pings flow across:
counters rising, ports as configured, neighbours learnt, routes the
table answers, clear stats, log levels, config check and reload (a route
added at run time carries traffic; a changed port is refused). The bad
input cases of test_cli.py run against the gateway while a ping stream
crosses it, which must lose nothing.

With "ipsec" the gateway runs two static SAs and their policies: show sa
counts the pings tunnelled, show spd and show paths list the real
tables, and the interface-set operations change the published set.
"""
import ctypes
import os
import re
import socket
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import test_cli as tc  # noqa: E402
from test_cli import PROMPT, Raw, Nc, Telnet, check  # noqa: E402

MIFGW = sys.argv[1] if len(sys.argv) > 1 else 'build/control/mifgw'
CLI_PORT = 2323
CLONE_NEWNET = 0x40000000
# A prefix reached through the wan client, added by a reload.
RELOAD_NET, RELOAD_HOST = '10.98.0.0/16', '10.98.1.1'
# Enough static routes that `show routes` outgrows a session's 256 KiB
# output bound (the slow-reader and mid-command cases need big output).
N_BULK = 5000

libc = ctypes.CDLL(None, use_errno=True)
home_ns = os.open('/proc/self/ns/net', os.O_RDONLY)


def enter_ns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns ' + path)
    finally:
        os.close(fd)


def leave_ns():
    if libc.setns(home_ns, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns back')


class GwHost:
    """What test_cli.py's abuse cases need of a server: port, liveness,
    memory."""

    def __init__(self, topo):
        self.topo = topo
        self.port = CLI_PORT

    def alive(self):
        return self.topo.alive()

    def rss_kb(self):
        with open('/proc/%d/status' % self.topo.proc.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        return -1


def bulk_routes():
    return [{'prefix': '10.%d.%d.0/24' % (100 + i // 250, i % 250),
             'via': '192.0.2.254', 'port': 'lan'} for i in range(N_BULK)]


def with_cli_group(gw, extra=''):
    """Write the harness's config plus a "cli" group (and @extra): with
    CLI keys in the file, a CLI that cannot listen stops the start (no
    silent run without it)."""
    orig = harness.Gateway.write_config

    def write(self):
        orig(self)
        with open(self.cfg_path, 'a', encoding='ascii') as f:
            f.write('cli = { port = %d; sessions = 8; };\n' % CLI_PORT)
            f.write(extra)
    harness.Gateway.write_config = write
    return gw


def table(text, first):
    """Rows of an aligned table whose header starts with @first."""
    rows, on = [], False
    for line in text.splitlines():
        if line.startswith(first):
            on = True
            continue
        if on:
            if not line.strip() or line.startswith('mifgw>'):
                break
            rows.append(line.split())
    return rows


def port_rx(t, name):
    out = t.cmd('show ports exact') or ''
    for r in table(out, 'name'):
        if r[0] == name:
            return int(r[5]), out
    return -1, out


def test_state(topo, t):
    out = t.cmd('show version') or ''
    check('gw: show version names mifgw and DPDK',
          'mifgw' in out and 'DPDK 22.11' in out and
          'pid %d' % topo.proc.pid in out, out)

    out = t.cmd('show ports') or ''
    rows = {r[0]: r for r in table(out, 'name')}
    for side, role in (('lan', 'protected'), ('wan', 'unprotected')):
        r = rows.get(side, [])
        check('gw: show ports: %s as configured (role, MAC, MTU, link up)'
              % side, len(r) >= 5 and r[1] == role and
              r[2].lower() == topo.mac('gw', side).lower() and
              r[3] == '1500' and r[4] == 'up', out)

    out = t.cmd('show interfaces') or ''
    check('gw: show interfaces: the configured addresses',
          all(a in out for a in ('192.0.2.1/24', '2001:db8:1::1/64',
                                 '198.51.100.1/24', '2001:db8:2::1/64'))
          and 'fe80::' in out, out)

    out = t.cmd('show workers') or ''
    check('gw: show workers: control lcore 0 and worker lcore 1',
          re.search(r'\n\s*0\s+control', out) is not None and
          re.search(r'\n\s*1\s+worker', out) is not None, out)


def test_traffic(topo, t):
    n, out = topo.ping('lan', '198.51.100.2', count=3)
    check('gw: ping lan -> wan across the gateway', n == 3, out)
    rx0, _ = port_rx(t, 'lan')
    out0 = t.cmd('show workers exact') or ''
    n, _ = topo.ping('lan', '198.51.100.2', count=20, interval=0.02)
    rx1, out = port_rx(t, 'lan')
    check('gw: show ports exact: lan rx rose by the pings (%d -> %d)'
          % (rx0, rx1), rx1 - rx0 >= 20 and n == 20, out)
    out1 = t.cmd('show workers exact') or ''
    w0 = [r for r in table(out0, 'lcore') if r[1] == 'worker']
    w1 = [r for r in table(out1, 'lcore') if r[1] == 'worker']
    check('gw: show workers exact: the worker forwarded them',
          w0 and w1 and int(w1[0][3]) - int(w0[0][3]) >= 40, out0 + out1)

    out = t.cmd('show neighbors') or ''
    rows = {r[0]: r for r in table(out, 'address')}
    for side, ip in (('lan', '192.0.2.2'), ('wan', '198.51.100.2')):
        r = rows.get(ip, [])
        check('gw: show neighbors: %s learnt on %s with its MAC' % (ip, side),
              len(r) == 4 and r[1] == side and
              r[2].lower() == topo.mac('client', side).lower() and
              r[3] in ('reachable', 'stale'), out)

    # A drop the stats must show: TTL 1 across the gateway.
    topo.ping('lan', '198.51.100.2', count=2, ttl=1, wait=1)
    out = t.cmd('show stats exact') or ''
    m = re.search(r'ttl_exceeded\s+(\d+)', out)
    check('gw: show stats: the TTL-expired pings counted by reason',
          m is not None and int(m.group(1)) >= 2, out)

    c = topo.counters()
    out = t.cmd('show ports exact') or ''
    rows = {r[0]: r for r in table(out, 'name')}
    lan = c['port'].get('lan', {})
    check('gw: show ports exact agrees with the counters block (rx)',
          'lan' in rows and abs(int(rows['lan'][5]) - lan.get('rx', -1)) <= 2,
          '%s vs %s' % (rows.get('lan'), lan))

    out = t.cmd('clear stats') or ''
    check('gw: clear stats', 'counters cleared' in out, out)
    rx, out = port_rx(t, 'lan')
    check('gw: show ports after clear counts from zero (lan rx %d)' % rx,
          0 <= rx < 5 and 'counters since clear at' in out, out)
    topo.ping('lan', '198.51.100.2', count=5, interval=0.02)
    rx2, out = port_rx(t, 'lan')
    check('gw: ... and rises again with traffic (%d)' % rx2, rx2 >= rx + 5,
          out)


def test_routes(topo, t):
    out = t.cmd('show routes', 20) or ''
    check('gw: show routes: connected, local and configured routes',
          re.search(r'192\.0\.2\.0/24\s+connected\s+-\s+lan', out) and
          re.search(r'198\.51\.100\.1/32\s+local\s+-\s+wan', out) and
          re.search(r'2001:db8:2::/64\s+connected\s+-\s+wan', out) and
          re.search(r'192\.0\.2\.255/32\s+broadcast\s+-\s+lan', out) and
          re.search(r'10\.100\.0\.0/24\s+gateway\s+192\.0\.2\.254\s+lan',
                    out) is not None, out[:600])
    m = re.search(r'published table: (\d+) prefixes', out)
    check('gw: show routes: the published table size (%s)'
          % (m.group(1) if m else '?'),
          m is not None and int(m.group(1)) >= N_BULK + 8, out[-300:])
    cases = [('198.51.100.2', 'connected on wan'),
             ('10.100.3.9', 'via 192.0.2.254 on lan'),
             ('192.0.2.1', 'local'), ('192.0.2.255', 'subnet broadcast'),
             ('2001:db8:1::77', 'connected on lan'),
             ('203.0.113.9', 'no route')]
    for addr, want in cases:
        out = t.cmd('show routes ' + addr) or ''
        check('gw: show routes %s: %s' % (addr, want), want in out, out)


def test_log(topo, t):
    out = t.cmd('set log level dp debug') or ''
    check('gw: set log level dp debug', 'is now debug' in out, out)
    out = t.cmd('show log levels') or ''
    check('gw: show log levels shows it',
          re.search(r'\ndp\s+debug', out) is not None, out)
    out = t.cmd('show log 200') or ''
    check('gw: show log holds start-up and CLI lines',
          'running: 2 ports' in out and
          'log level of dp set to debug from the CLI' in out, out[-800:])
    check('gw: log lines still reach stderr',
          'log level of dp set to debug' in topo.stderr())
    t.cmd('set log level dp info')


def write_variant(topo, path, edit):
    with open(topo.cfg_path, encoding='ascii') as f:
        text = f.read()
    with open(path, 'w', encoding='ascii') as f:
        f.write(edit(text))


def mifgw_check_line(path):
    cp = subprocess.run([MIFGW, '--', '-f', path, '--check'],
                        capture_output=True, text=True, timeout=30)
    return (cp.stdout + cp.stderr).strip().splitlines()[-1]


def test_config(topo, t):
    out = t.cmd('config check', 20) or ''
    check('gw: config check of the running file: OK',
          '%s: configuration OK' % topo.cfg_path in out, out)

    bad = os.path.join(topo.dir, 'broken.conf')
    write_variant(topo, bad, lambda s: s.replace('burst = 32;',
                                                 'burst = 9999;'))
    want = mifgw_check_line(bad)
    out = t.cmd('config check ' + bad, 20) or ''
    check('gw: config check FILE prints the loader\'s first error (%s)'
          % want, want.startswith(bad + ':') and 'dataplane.burst' in want
          and '% ' + want in out, out)

    out = t.cmd('config reload', 30) or ''
    check('gw: config reload of an unchanged file: no change',
          'no change' in out, out)

    # A port change (and a log change beside it): refused, none applied.
    orig = open(topo.cfg_path, encoding='ascii').read()
    with open(topo.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig.replace('mtu = 1500; }', 'mtu = 1400; }', 1)
                .replace('level = "info";', 'level = "debug";'))
    out = t.cmd('config reload', 30) or ''
    check('gw: config reload refuses a port change and says why',
          '% reload refused: ports[0].mtu: changed (port lan); needs a '
          'restart' in out and 'nothing was applied' in out, out)
    out = t.cmd('show log levels') or ''
    check('gw: ... and applied nothing (levels unchanged)',
          re.search(r'\nmain\s+info', out) is not None, out)

    # A route to a prefix behind the wan client: unreachable before, a
    # working path once the reload applied it.
    n, _ = topo.ping('lan', RELOAD_HOST, count=2, wait=1)
    check('gw: %s unreachable before the reload' % RELOAD_HOST, n == 0)
    with open(topo.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig.replace('routes = (', 'routes = (\n  { prefix = "%s"; '
                             'via = "198.51.100.2"; port = "wan"; },'
                             % RELOAD_NET, 1)
                .replace('level = "info";', 'level = "debug";'))
    out = t.cmd('config reload', 60) or ''
    m = re.search(r'applied in (\d+) ms', out)
    print('  figure: config reload with %d routes took %s ms'
          % (N_BULK + 1, m.group(1) if m else '?'))
    check('gw: config reload applies routes and log levels',
          'log levels: applied' in out and
          re.search(r'routes: %d configured routes, table mif_rt\d+ '
                    r'published' % (N_BULK + 1), out) is not None, out)
    out = t.cmd('show routes ' + RELOAD_HOST) or ''
    check('gw: the new route is in the published table',
          'via 198.51.100.2 on wan' in out, out)
    n, out = topo.ping('lan', RELOAD_HOST, count=3)
    check('gw: traffic follows the reloaded route', n == 3, out)
    out = t.cmd('show log levels') or ''
    check('gw: reloaded log level is active',
          re.search(r'\nmain\s+debug', out) is not None, out)
    with open(topo.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig)
    out = t.cmd('config reload', 60) or ''
    n, _ = topo.ping('lan', RELOAD_HOST, count=2, wait=1)
    check('gw: reloading the original file removes the route again',
          'routes:' in out and n == 0, out)


def test_nc():
    out = Nc(CLI_PORT).run(b'show version\nsh ro 192.0.2.1\nexit\n', 5)
    check('gw: nc runs commands in line mode',
          'DPDK 22.11' in out and '192.0.2.1: local' in out and 'bye' in out,
          out)


def big_output_cases(h, t):
    # Slow reader: show routes is larger than the 256 KiB bound.
    r = Raw(CLI_PORT)
    r.expect(re.escape(PROMPT))
    r.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    r.send(b'show routes\n')
    time.sleep(1)
    t0 = time.time()
    out = t.cmd('show version')
    check('gw: slow reader: others answered meanwhile (%.0f ms)'
          % ((time.time() - t0) * 1000), out is not None and 'DPDK' in out)
    got = r.expect(rb'% output truncated', 20)
    check('gw: slow reader: output cut with a clear notice', got is not None,
          repr(r.buf[-200:]))
    r.close()

    # 100 connections at once, then disconnects mid-command.
    socks = []
    for _ in range(100):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(('127.0.0.1', CLI_PORT))
        socks.append(s)
    got = {s: b'' for s in socks}
    done = set()
    end = time.time() + 10
    while len(done) < len(socks) and time.time() < end:
        rd, _, _ = select.select([s for s in socks if s not in done], [], [],
                                 0.2)
        for s in rd:
            try:
                d = s.recv(4096)
            except OSError:
                d = b''
            if not d or PROMPT in got[s] + d:
                done.add(s)
            got[s] += d
    prompts = sum(1 for s in socks if PROMPT in got[s])
    refused = sum(1 for s in socks if b'too many CLI sessions' in got[s])
    check('gw: 100 connections: 7 served, 93 refused (%d/%d)'
          % (prompts, refused), prompts == 7 and refused == 93)
    served = [s for s in socks if PROMPT in got[s]]
    if len(served) >= 3:
        served[0].send(b'show ro')
        served[1].send(b'show routes\n')
        served[2].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b'\x01\x00\x00\x00\x00\x00\x00\x00')
        served[2].send(b'show routes\n')
    time.sleep(0.05)
    for s in socks:
        s.close()
    time.sleep(0.5)
    check('gw: 100 connections: gateway alive', h.alive())
    out = t.cmd('show cli') or ''
    check('gw: mid-command disconnects: sessions freed, others work',
          tc.sessions_in(out) == 1, out)


def test_abuse(topo, t):
    """Bad input while a ping stream crosses the gateway: zero loss."""
    h = GwHost(topo)
    ping = topo.helper('lan', ['ping', '-n', '-q', '-i', '0.01', '-c', '3000',
                               '-W', '2', '198.51.100.2'])
    time.sleep(0.5)
    tc.test_long_line(h, t)
    tc.test_garbage(h, t)
    tc.test_flood(h, t)
    tc.test_session_limit(h, t)
    big_output_cases(h, t)
    out = t.cmd('show cli') or ''
    wall, cpu = tc.longest_poll_us(out)
    print('  figure: slowest mif_cli_poll() in the gateway: %d us wall, '
          '%d us CPU' % (wall, cpu))
    try:
        pout, _ = ping.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        ping.kill()
        pout, _ = ping.communicate()
    m = re.search(r'(\d+) packets transmitted, (\d+) received', pout)
    sent, recv = (int(m.group(1)), int(m.group(2))) if m else (0, -1)
    print('  figure: ping stream during the CLI abuse: %d sent, %d received'
          % (sent, recv))
    check('gw: forwarding went on during the CLI abuse with zero loss '
          '(%d/%d)' % (recv, sent), sent >= 3000 and recv == sent, pout)


KEYS = ('000102030405060708090a0b0c0d0e0f', '01020304',
        '101112131415161718191a1b1c1d1e1f', '05060708',
        'cli-test-psk-never-shown')
IPSEC_CFG = '''
policies = (
  { dir = "out"; src = "192.0.2.0/24"; dst = "198.51.100.0/24";
    action = "protect"; sa = "to_wan"; },
  { dir = "in"; src = "198.51.100.0/24"; dst = "192.0.2.0/24";
    action = "protect"; sa = "from_wan"; }
);
sas = (
  { name = "to_wan"; spi = 0x1001; dir = "out"; local = "198.51.100.1";
    remote = "198.51.100.2"; cipher = "aes-gcm-128";
    key = "%s"; salt = "%s"; },
  { name = "from_wan"; spi = 0x1002; dir = "in"; local = "198.51.100.1";
    remote = "198.51.100.2"; cipher = "aes-gcm-128";
    key = "%s"; salt = "%s"; }
);
# An IKE peer we initiate to; the wan client runs no IKE, so the SA
# stays half-open and retransmits: what show ike must show.
ike = {
  peers = ( {
    name = "user1"; local_addr = "198.51.100.1";
    remote_addr = "198.51.100.2"; local_id = "gw.example";
    remote_id = "user1.example"; auth = "psk"; psk = "%s";
    proposals = [ "aes256gcm16-prfsha256-ecp256" ];
    esp_proposals = [ "aes256gcm16" ]; initiate = true;
    children = ( { name = "net"; local_ts = [ "192.0.2.0/25" ];
                   remote_ts = [ "10.9.0.0/24" ]; mode = "tunnel"; } );
  } );
};
''' % KEYS


def sa_rows(t):
    out = t.cmd('show sa exact') or ''
    return {r[0]: r for r in table(out, 'name')}, out


def path_rows(out, sa):
    """Rows of the paths table that follows "sa NAME:"."""
    m = re.search(r'sa %s: .*?\n(id .*?)(?=\nsa |\Z)' % sa, out, re.S)
    return {r[0]: r for r in table(m.group(1), 'id')} if m else {}


def test_ipsec(topo, t):
    """Static SAs: the pings from lan to the wan client are tunnelled in
    SA to_wan (the client cannot decrypt them, so they get no answer)."""
    seen = []

    def cmd(line):
        out = t.cmd(line, 10) or ''
        seen.append(out)
        return out

    rows, out = sa_rows(t)
    seen.append(out)
    check('ipsec: show sa lists both SAs (dir, SPI, mode, algorithm, peer)',
          rows.get('to_wan', [])[1:6] == ['out', '0x00001001', 'tunnel',
                                          'aes-gcm-128', '198.51.100.2'] and
          rows.get('from_wan', [])[1:3] == ['in', '0x00001002'], out)
    p0 = int(rows['to_wan'][6]) if 'to_wan' in rows else -1
    topo.ping('lan', '198.51.100.2', count=9, interval=0.05, wait=1)
    rows, out = sa_rows(t)
    seen.append(out)
    p1 = int(rows['to_wan'][6]) if 'to_wan' in rows else -1
    check('ipsec: show sa counts exactly the 9 pings sent (%d -> %d)'
          % (p0, p1), p1 - p0 == 9, out)
    out = cmd('show sa detail')
    check('ipsec: show sa detail: endpoints, sequence, drops by reason',
          'sa to_wan (id 1): out, spi 0x00001001, tunnel, aes-gcm-128' in out
          and 'endpoints 198.51.100.1 -> 198.51.100.2' in out and
          re.search(r'sequence %d\b' % p1, out) is not None and
          re.search(r'drops: replay 0 auth 0', out) is not None, out)
    out = cmd('show spd')
    check('ipsec: show spd: both directions, rules named by SA',
          'spd out: dir out, default discard, 1 rules' in out and
          'protect sa 1 (to_wan)' in out and 'protect sa 2 (from_wan)' in out,
          out)
    out = cmd('show paths')
    pr = path_rows(out, 'to_wan')
    check('ipsec: show paths: one ACTIVE path carrying the SA\'s packets',
          pr.get('1', [])[1:4] == ['active', '198.51.100.1', '198.51.100.2']
          and pr['1'][7] == str(p1), out)

    out = cmd('paths add to_wan 198.51.100.1 198.51.100.3 alternate')
    check('ipsec: paths add ... alternate', 'sa to_wan: path 2 added' in out,
          out)
    out = cmd('paths promote to_wan 2')
    pr = path_rows(cmd('show paths'), 'to_wan')
    check('ipsec: paths promote makes the alternate ACTIVE',
          pr.get('2', [''])[1] == 'active' and 'done' in out, str(pr))
    cmd('paths alternate to_wan 2')
    pr = path_rows(cmd('show paths'), 'to_wan')
    check('ipsec: paths alternate makes it a backup again',
          pr.get('2', [''])[1] == 'alternate' and
          pr.get('1', [''])[1] == 'active', str(pr))
    out = cmd('paths handover 198.51.100.7 1 2 hard')
    out2 = cmd('show paths')
    pr = path_rows(out2, 'to_wan')
    check('ipsec: paths handover by traffic selector, hard',
          'sa to_wan: done' in out and pr.get('1', [''])[1] == 'removed' and
          pr.get('2', [''])[1] == 'active', out + out2)
    out = cmd('paths remove to_wan 2')
    pr = path_rows(cmd('show paths'), 'to_wan')
    check('ipsec: paths remove', pr.get('2', [''])[1] == 'removed', str(pr))
    out = cmd('paths promote nosuch 1')
    check('ipsec: an unknown SA is a clear error',
          "% no SA named or protecting 'nosuch'" in out, out)

    # Soft handover: the old path stays ACTIVE until it has been quiet
    # for 1 s (no inbound on it here), then the timer removes it.
    out = cmd('paths add to_wan 198.51.100.1 198.51.100.2')
    out += cmd('paths add to_wan 198.51.100.1 198.51.100.4 alternate')
    out += cmd('paths handover to_wan 3 4 soft')
    pr = path_rows(cmd('show paths'), 'to_wan')
    check('ipsec: soft handover: both paths ACTIVE while the old drains',
          pr.get('3', [''])[1] == 'active' and
          pr.get('4', [''])[1] == 'active', out + str(pr))
    time.sleep(2.5)
    pr = path_rows(cmd('show paths'), 'to_wan')
    check('ipsec: soft handover: the drained path is REMOVED by the timer',
          pr.get('3', [''])[1] == 'removed' and
          pr.get('4', [''])[1] == 'active', str(pr))
    test_policies(topo, t, cmd)
    out = cmd('show ike')
    check('ipsec: show ike: the half-open SA we initiated to user1',
          re.search(r'user1\s+\S+\s+initiator\s+[0-9a-f]{16}\s+0{16}\s+'
                    r'198\.51\.100\.1:500\s+198\.51\.100\.2:500', out)
          is not None and '1 IKE SAs, 1 half-open' in out, out)
    out = cmd('show ike detail')
    m = re.search(r'messages rx \d+ tx (\d+)', out)
    check('ipsec: show ike detail: daemon counters (IKE_SA_INIT sent)',
          m is not None and int(m.group(1)) >= 1, out)
    text = ''.join(seen) + (t.cmd('show log 512', 10) or '')
    check('ipsec: no key or salt appears in any output',
          not any(k in text.lower() for k in KEYS), '')


def test_policies(topo, t, cmd):
    """Policies changed at run time: each change is a new SPD, and the
    traffic follows it."""
    out = cmd('config reload')
    check('ipsec: config reload of the unchanged file (sas, policies): no '
          'change', 'no change' in out, out)
    out = cmd('show policies')
    check('ipsec: show policies numbers them per direction',
          re.search(r'out\s+1\s+192\.0\.2\.0/24\s+198\.51\.100\.0/24\s+0'
                    r'\s+protect\s+to_wan', out) is not None, out)
    rows, _ = sa_rows(t)
    p0 = int(rows['to_wan'][6])
    out = cmd('policy del out 1')
    n, _ = topo.ping('lan', '198.51.100.2', count=3, interval=0.05, wait=1)
    rows, _ = sa_rows(t)
    check('ipsec: policy del out 1: SPD rebuilt, traffic discarded, not '
          'tunnelled', 'spd out: 0 rules published' in out and n == 0 and
          int(rows['to_wan'][6]) == p0, out)
    out = cmd('policy del in 1')
    out += cmd('policy add out 192.0.2.0/24 198.51.100.0/24 bypass')
    out += cmd('policy add in 198.51.100.0/24 192.0.2.0/24 bypass')
    n, pout = topo.ping('lan', '198.51.100.2', count=3, interval=0.05)
    check('ipsec: bypass policies added both ways: pings cross in clear',
          'spd out: 1 rules published' in out and
          'spd in: 1 rules published' in out and n == 3, out + pout)
    out = cmd('show spd')
    check('ipsec: show spd shows the new rules',
          '198.51.100.0/24 -> 192.0.2.0/24 proto any sport 0-65535 dport '
          '0-65535 bypass' in out, out)
    out = cmd('policy add in 198.51.100.0/24 192.0.2.0/24 protect from_wan')
    check('ipsec: inbound protect at run time is refused with the reason',
          '% inbound protect policies cannot be added at run time' in out,
          out)
    out = cmd('policy add out 192.0.2.0/24 198.51.100.0/24 protect nosuch')
    check('ipsec: protect with an unknown SA is refused',
          '% protect needs a configured SA name' in out, out)
    out = cmd('policy del out 1') + cmd(
        'policy add out 192.0.2.0/24 198.51.100.0/24 protect to_wan')
    topo.ping('lan', '198.51.100.2', count=4, interval=0.05, wait=1)
    rows, _ = sa_rows(t)
    check('ipsec: protect policy added back: the SA carries the pings again',
          int(rows['to_wan'][6]) == p0 + 4, out + str(rows))
    out = cmd('config reload')
    check('ipsec: config reload refuses while policies differ from the file',
          '% reload refused: policies: changed' in out, out)


def main_ipsec():
    topo = harness.Topology(with_cli_group(MIFGW, IPSEC_CFG))
    t = None
    try:
        topo.start(timeout=60)
        enter_ns('/var/run/netns/' + topo.ns['gw'])
        t = Telnet(CLI_PORT)
        check('ipsec: telnet prompt',
              t.expect(re.escape(PROMPT), 10) is not None)
        time.sleep(0.3)
        test_ipsec(topo, t)
        leave_ns()
        check('ipsec: mifgw exited cleanly', topo.stop() == 0)
    except Exception:
        topo.dump_logs()
        raise
    finally:
        if t is not None:
            t.quit()
        leave_ns()
        topo.close()
    print('%d checks failed' % len(tc.failures) if tc.failures
          else 'all checks passed')
    return 1 if tc.failures else 0


def main():
    if len(sys.argv) > 2 and sys.argv[2] == 'ipsec':
        return main_ipsec()
    topo = harness.Topology(
        with_cli_group(MIFGW), routes=bulk_routes(),
        client_extra={'wan': [(RELOAD_HOST + '/32', 'lo')]},
        dataplane={'idle_sleep_us': 20})
    t = None
    try:
        topo.start(timeout=60)
        enter_ns('/var/run/netns/' + topo.ns['gw'])
        t = Telnet(CLI_PORT)
        got = t.expect(re.escape(PROMPT), 10)
        check('gw: Debian telnet gets the prompt', got is not None,
              repr(t.buf))
        time.sleep(0.3)
        test_state(topo, t)
        test_traffic(topo, t)
        test_routes(topo, t)
        test_log(topo, t)
        test_config(topo, t)
        test_nc()
        test_abuse(topo, t)
        t.cmd('exit')
        leave_ns()
        code = topo.stop()
        check('gw: mifgw exited cleanly after the CLI tests',
              code == 0 and topo.sanitizer_reports() == [], str(code))
    except Exception:
        topo.dump_logs()
        raise
    finally:
        if t is not None:
            t.quit()
        leave_ns()
        topo.close()
    print('%d checks failed' % len(tc.failures) if tc.failures
          else 'all checks passed')
    return 1 if tc.failures else 0


if __name__ == '__main__':
    sys.exit(main())
