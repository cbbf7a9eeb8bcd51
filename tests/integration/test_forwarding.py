#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forwarding scenarios: real traffic across mifgw between namespaces.

usage: test_forwarding.py MIFGW SCENARIO    (meson registers one test each)
       test_forwarding.py --list

Each scenario builds its own Topology (see harness.py), drives traffic from
the client namespaces, checks what arrives and how the counters moved, and
finally stops mifgw with SIGTERM and checks that it exits 0 with no
sanitizer report. Exit 0 when every check passed, 1 otherwise, 77 (skip)
only when not root.
"""

import json
import os
import signal
import subprocess
import sys
import time

from harness import (MID, SIDES, HarnessError, Topology, log,
                     parse_counters)

LAN, WAN = SIDES['lan'], SIDES['wan']

# Destinations of the drop scenarios: all in 203.0.113.0/24 (TEST-NET-3)
# and 2001:db8::/32; the gateway has no route, or a route whose next hop
# never answers. None of them leaves the namespaces.
UNROUTED4, UNROUTED6 = '203.0.113.200', '2001:db8:ff::1'
DEADNH_NET4, DEADNH_DST4, DEADNH4 = ('203.0.113.0/25', '203.0.113.10',
                                     '198.51.100.99')
DEADNH_NET6, DEADNH_DST6, DEADNH6 = ('2001:db8:99::/64', '2001:db8:99::10',
                                     '2001:db8:2::99')
STATIC_NET4, STATIC_DST4, STATIC_NH4 = ('203.0.113.128/26', '203.0.113.130',
                                        '198.51.100.3')
STATIC_NET6, STATIC_DST6, STATIC_NH6 = ('2001:db8:98::/64', '2001:db8:98::1',
                                        '2001:db8:2::3')

failures = []


def check(cond, what):
    print(f'{"ok  " if cond else "FAIL"} {what}', flush=True)
    if not cond:
        failures.append(what)
    return cond


def ctr(c, kind, name, counter=None):
    """A counter from a parsed block; absent counts as 0."""
    if kind == 'port':
        return c['port'].get(name, {}).get(counter, 0)
    return c['drop'].get(name, 0)


def port_delta(before, after, port, counter):
    return ctr(after, 'port', port, counter) - ctr(before, 'port', port,
                                                   counter)


def drop_delta(before, after, reason):
    return ctr(after, 'drop', reason) - ctr(before, 'drop', reason)


def ctl_value(c, name):
    for line in c['other'].get('ctl', []):
        f = line.split()
        if len(f) == 2 and f[0] == name:
            return int(f[1])
    return 0


def ctl_delta(before, after, name):
    return ctl_value(after, name) - ctl_value(before, name)


def probe(t, side, *args, timeout=20):
    cp = t.python(side, 'probe.py', list(args), timeout=timeout, check=False)
    try:
        return json.loads(cp.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        log(f'probe {args}: no JSON: {cp.stdout!r} {cp.stderr!r}')
        return {'type': None}


def ping_all(t, side, dst, count=5, **kw):
    got, out = t.ping(side, dst, count=count, **kw)
    if not check(got == count,
                 f'{side} -> {dst}: {got}/{count} echo replies'):
        print(out)
    return got


SCENARIOS = {}


def scenario(**topo_kw):
    def reg(fn):
        SCENARIOS[fn.__name__] = (fn, topo_kw)
        return fn
    return reg


# ---- traffic across the gateway --------------------------------------

def across(t, v):
    n = 5
    before = t.counters()
    ping_all(t, 'lan', WAN[f'cl{v}'], n)
    ping_all(t, 'wan', LAN[f'cl{v}'], n)
    after = t.counters()
    # Each direction: n requests in on one port and out of the other, and
    # n replies back; ARP/ND adds a few more.
    for port in ('lan', 'wan'):
        for dirn in ('rx', 'tx'):
            d = port_delta(before, after, port, dirn)
            check(d >= 2 * n, f'port {port} {dirn} rose by {d} >= {2 * n}')
        # The NIC's own drops come from rte_eth_stats_get (control thread).
        for hw in ('rx_missed', 'rx_nombuf'):
            check(hw in after['port'].get(port, {}),
                  f'port {port} {hw} in the counters block')


@scenario()
def ping4(t):
    across(t, 4)


@scenario()
def ping6(t):
    across(t, 6)


def bulk(t, v, nbytes=32 << 20):
    for src, dst in (('lan', 'wan'), ('wan', 'lan')):
        addr = SIDES[dst][f'cl{v}']
        srv = t.helper(dst, ['/usr/bin/python3',
                             os.path.join(os.path.dirname(__file__),
                                          'xfer.py'),
                             'serve', '--bind', addr, '--port', '5201',
                             '--timeout', '60'])
        line = srv.stdout.readline().strip()
        if not check(line == 'listening', f'TCP server on {dst} listening'):
            return
        cp = t.python(src, 'xfer.py', ['send', '--dst', addr, '--port',
                                       '5201', '--bytes', nbytes,
                                       '--timeout', '60'],
                      timeout=90, check=False)
        try:
            sent = json.loads(cp.stdout)
            out, _ = srv.communicate(timeout=30)
            got = json.loads(out)
        except (ValueError, subprocess.TimeoutExpired, OSError) as e:
            check(False, f'TCP {src} -> {dst}: transfer completed ({e}; '
                  f'{cp.stderr.strip()})')
            continue
        check(got['bytes'] == nbytes,
              f'TCP/IPv{v} {src} -> {dst}: {got["bytes"]} of {nbytes} bytes '
              'received')
        check(got['sha256'] == sent['sha256'],
              f'TCP/IPv{v} {src} -> {dst}: SHA-256 matches')
        mbps = nbytes * 8 / sent['seconds'] / 1e6
        print(f'     {nbytes >> 20} MiB in {sent["seconds"]:.2f}s = '
              f'{mbps:.0f} Mbit/s')


@scenario()
def tcp4(t):
    bulk(t, 4)


@scenario()
def tcp6(t):
    bulk(t, 6)


# ---- the gateway's own addresses ----------------------------------------

def own(t, v):
    ping_all(t, 'lan', LAN[f'gw{v}'])
    ping_all(t, 'wan', WAN[f'gw{v}'])
    r = probe(t, 'lan', 'echo', '--dst', LAN[f'gw{v}'], '--size', '1000')
    check(r.get('type') == (129 if v == 6 else 0) and r.get('len') == 1008,
          f'1000-byte echo to {LAN[f"gw{v}"]} answered whole ({r})')
    if v == 4:
        check(r.get('cksum_ok'), 'echo reply checksum is valid')
    # The far port's address is the gateway's too: answered from lan
    # without anything sent on wan.
    before = t.counters()
    ping_all(t, 'lan', WAN[f'gw{v}'])
    after = t.counters()
    d = port_delta(before, after, 'wan', 'tx')
    check(d <= 2, f'echo to the far address stayed off wan (tx +{d})')


@scenario()
def gw_ping4(t):
    own(t, 4)


@scenario()
def gw_ping6(t):
    own(t, 6)


# ---- TTL / hop limit ---------------------------------------------------

def ttl(t, v):
    exceeded = 11 if v == 4 else 3
    for src, dst in (('lan', 'wan'), ('wan', 'lan')):
        r = probe(t, src, 'echo', '--dst', SIDES[dst][f'cl{v}'],
                  '--ttl', '1')
        check(r.get('type') == exceeded and r.get('code') == 0,
              f'IPv{v} {src} ttl 1: time exceeded (type {exceeded} code 0):'
              f' {r}')
        check(r.get('src') == SIDES[src][f'gw{v}'],
              f'... sent by the gateway {SIDES[src][f"gw{v}"]}')
        check(r.get('inner_dst') == SIDES[dst][f'cl{v}'],
              '... quoting the original packet')
        if v == 4:
            check(r.get('cksum_ok'), '... with a valid ICMP checksum')
        r = probe(t, src, 'echo', '--dst', SIDES[dst][f'cl{v}'],
                  '--ttl', '2')
        check(r.get('type') == (0 if v == 4 else 129),
              f'IPv{v} {src} ttl 2 reaches {dst} (reply {r.get("type")})')


@scenario()
def ttl4(t):
    ttl(t, 4)


@scenario()
def ttl6(t):
    ttl(t, 6)


# ---- drops by reason ---------------------------------------------------

@scenario()
def no_route(t):
    before = t.counters()
    r = probe(t, 'lan', 'echo', '--dst', UNROUTED4)
    check(r.get('type') == 3 and r.get('src') == LAN['gw4'],
          f'IPv4 unroutable: destination unreachable from the gateway: {r}')
    r = probe(t, 'lan', 'echo', '--dst', UNROUTED6)
    check(r.get('type') == 1 and r.get('src') == LAN['gw6'],
          f'IPv6 unroutable: destination unreachable from the gateway: {r}')
    got, _ = t.ping('lan', UNROUTED4, count=3, wait=1)
    check(got == 0, f'no echo reply from {UNROUTED4}')
    after = t.counters()
    d = drop_delta(before, after, 'no_route')
    check(d >= 5, f'drop no_route rose by {d} >= 5')
    ping_all(t, 'lan', WAN['cl4'], 3)


@scenario(routes=[
    {'prefix': DEADNH_NET4, 'via': DEADNH4, 'port': 'wan'},
    {'prefix': DEADNH_NET6, 'via': DEADNH6, 'port': 'wan'},
])
def neigh_unresolved(t):
    before = t.counters()
    watch = t.helper('wan', ['/usr/bin/python3',
                             os.path.join(os.path.dirname(__file__),
                                          'probe.py'),
                             'arp-watch', '--iface', t.cl_if['wan'],
                             '--target', DEADNH4, '--timeout', '6'])
    check(watch.stdout.readline().strip() == 'watching', 'ARP watcher up')
    got4, _ = t.ping('lan', DEADNH_DST4, count=3, wait=1)
    got6, _ = t.ping('lan', DEADNH_DST6, count=3, wait=1)
    check(got4 == 0 and got6 == 0, 'no reply through a dead next hop')
    c = t.wait_counter(lambda c: drop_delta(before, c,
                                            'neigh_unresolved') >= 6,
                       timeout=20)
    d = drop_delta(before, c, 'neigh_unresolved')
    check(d >= 6, f'drop neigh_unresolved rose by {d} >= 6')
    try:
        res = json.loads(watch.communicate(timeout=15)[0])
    except (ValueError, subprocess.TimeoutExpired) as e:
        res = {'requests': 0, 'error': str(e)}
    check(res['requests'] >= 1 and res.get('senders') == [WAN['gw4']],
          f'gateway asked ARP for {DEADNH4} from {WAN["gw4"]}: {res}')
    ping_all(t, 'lan', WAN['cl4'], 3)


@scenario()
def bad_len(t):
    mac = t.mac('gw', 'lan')
    before = t.counters()
    for kind in ('short4', 'short6', 'trunc4'):
        r = probe(t, 'lan', 'frames', '--iface', t.cl_if['lan'],
                  '--dst-mac', mac, '--kind', kind, '--count', '4')
        check(r.get('sent') == 4, f'sent 4 {kind} frames ({r})')
    c = t.wait_counter(lambda c: drop_delta(before, c, 'bad_len') >= 12,
                       timeout=5)
    d = drop_delta(before, c, 'bad_len')
    check(d >= 12, f'drop bad_len rose by {d} >= 12')
    check(t.alive(), 'mifgw survived the malformed frames')
    ping_all(t, 'lan', LAN['gw4'], 3)
    ping_all(t, 'lan', WAN['cl4'], 3)


@scenario()
def malformed(t):
    mac = t.mac('gw', 'lan')
    before = t.counters()
    for kind in ('badcsum4', 'badver4'):
        r = probe(t, 'lan', 'frames', '--iface', t.cl_if['lan'],
                  '--dst-mac', mac, '--kind', kind, '--count', '5')
        check(r.get('sent') == 5, f'sent 5 {kind} frames ({r})')
    c = t.wait_counter(lambda c: drop_delta(before, c, 'bad_csum') >= 5 and
                       drop_delta(before, c, 'bad_ip') >= 5, timeout=5)
    for reason in ('bad_csum', 'bad_ip'):
        d = drop_delta(before, c, reason)
        check(d == 5, f'drop {reason} rose by {d} == 5')
    d = port_delta(before, c, 'wan', 'tx')
    check(d == 0, f'none of them left on wan (tx +{d})')
    ping_all(t, 'lan', WAN['cl4'], 3)


# ---- slow path: ICMP rate, neighbour ageing and queueing ---------------

@scenario(dataplane={'icmp_rate': 10})
def icmp_rate(t):
    before = t.counters()
    r = probe(t, 'lan', 'burst', '--dst', WAN['cl4'], '--ttl', '1',
              '--count', '100', '--timeout', '1.5')
    errs = r.get('types', {}).get('11', 0)
    # The bucket holds a second's worth (10) and refills at 10/s while the
    # burst is sent and read.
    most = 10 + int(10 * r.get('send_seconds', 0)) + 2
    check(10 <= errs <= most,
          f'100 TTL-1 packets, icmp_rate 10: {errs} time exceeded '
          f'(10..{most}): {r}')
    after = t.counters()
    d = drop_delta(before, after, 'ttl_exceeded')
    check(d == 100, f'drop ttl_exceeded rose by {d} == 100')
    limited = ctl_delta(before, after, 'icmp_rate_limited')
    check(limited >= 100 - most,
          f'ctl icmp_rate_limited rose by {limited} >= {100 - most}')


@scenario(dataplane={'neigh_timeout': 2})
def neigh_expiry(t):
    ping_all(t, 'lan', WAN['cl4'], 3)
    before = t.counters()
    time.sleep(3.5)
    mid = t.counters()
    d = ctl_delta(before, mid, 'neigh_expired')
    check(d >= 2, f'after 3.5 s with neigh_timeout 2: neigh_expired +{d} >= 2')
    ping_all(t, 'lan', WAN['cl4'], 3)
    after = t.counters()
    d = ctl_delta(mid, after, 'arp_request_sent')
    check(d >= 1, f'expired next hops asked again when used: '
          f'arp_request_sent +{d}')


@scenario(dataplane={'neigh_queue': 2}, routes=[
    {'prefix': DEADNH_NET4, 'via': DEADNH4, 'port': 'wan'},
])
def neigh_queue(t):
    before = t.counters()
    r = probe(t, 'lan', 'burst', '--dst', DEADNH_DST4, '--count', '10',
              '--timeout', '0.5')
    check(r.get('sent') == 10, f'10 packets to a dead next hop ({r})')
    c = t.wait_counter(
        lambda c: drop_delta(before, c, 'neigh_queue_full') +
        drop_delta(before, c, 'neigh_unresolved') >= 10, timeout=20)
    full = drop_delta(before, c, 'neigh_queue_full')
    unres = drop_delta(before, c, 'neigh_unresolved')
    check(full == 8 and unres == 2,
          f'queue of 2: neigh_queue_full +{full} == 8, '
          f'neigh_unresolved +{unres} == 2')
    check(t.alive(), 'mifgw still running')


# ---- two workers ---------------------------------------------------------

@scenario(lcores='0@0,1@1,2@1', workers=(1, 2))
def two_workers(t):
    # Two worker lcores share CPU 1: each port gets a queue per worker.
    across(t, 4)
    across(t, 6)
    bulk(t, 4, 16 << 20)


# ---- two gateways in series ----------------------------------------------

@scenario(gateways=2)
def two_gateways(t):
    gw1, gw2 = t.gws
    b1, b2 = gw1.counters(), gw2.counters()
    ping_all(t, 'lan', WAN['cl4'])
    ping_all(t, 'lan', WAN['cl6'])
    ping_all(t, 'wan', LAN['cl4'])
    ping_all(t, 'wan', LAN['cl6'])
    a1, a2 = gw1.counters(), gw2.counters()
    for g, b, a in (('gw', b1, a1), ('gw2', b2, a2)):
        for dirn in ('rx', 'tx'):
            d = port_delta(b, a, 'mid', dirn)
            check(d >= 20, f'{g} port mid {dirn} rose by {d} >= 20')
    # TTL 2 dies at the second gateway, which answers from its mid
    # address; TTL 3 arrives.
    for v, mid2, exceeded, reply in ((4, MID['gw2_4'], 11, 0),
                                     (6, MID['gw2_6'], 3, 129)):
        r = probe(t, 'lan', 'echo', '--dst', WAN[f'cl{v}'], '--ttl', '2')
        check(r.get('type') == exceeded and r.get('src') == mid2,
              f'IPv{v} ttl 2: time exceeded from gw2 {mid2}: {r}')
        r = probe(t, 'lan', 'echo', '--dst', WAN[f'cl{v}'], '--ttl', '3')
        check(r.get('type') == reply, f'IPv{v} ttl 3 arrives: {r}')
    bulk(t, 4, 16 << 20)


# ---- static routes and neighbours, MTU ----------------------------------

@scenario(routes=[
    {'prefix': STATIC_NET4, 'via': STATIC_NH4, 'port': 'wan'},
    {'prefix': STATIC_NET6, 'via': STATIC_NH6, 'port': 'wan'},
], neighbors=[
    {'ip': STATIC_NH4, 'mac': 'client:wan', 'port': 'wan'},
    {'ip': STATIC_NH6, 'mac': 'client:wan', 'port': 'wan'},
], client_extra={'wan': [(STATIC_DST4 + '/32', 'lo'),
                         (STATIC_DST6 + '/128', 'lo')]})
def static_neigh(t):
    # The wan client does not own the next hops, so only the static
    # neighbour entries can make these work.
    watch = t.helper('wan', ['/usr/bin/python3',
                             os.path.join(os.path.dirname(__file__),
                                          'probe.py'),
                             'arp-watch', '--iface', t.cl_if['wan'],
                             '--target', STATIC_NH4, '--timeout', '4'])
    check(watch.stdout.readline().strip() == 'watching', 'ARP watcher up')
    ping_all(t, 'lan', STATIC_DST4)
    ping_all(t, 'lan', STATIC_DST6)
    res = json.loads(watch.communicate(timeout=15)[0])
    check(res['requests'] == 0,
          f'no ARP request for the static neighbour {STATIC_NH4}: {res}')


@scenario(mtu={'wan': 1400})
def pmtu(t):
    r = probe(t, 'lan', 'echo', '--dst', WAN['cl4'], '--size', '1472', '--df')
    check(r.get('type') == 3 and r.get('code') == 4 and r.get('mtu') == 1400,
          f'IPv4 1500 bytes DF to a 1400 port: frag needed, mtu 1400: {r}')
    check(r.get('src') == LAN['gw4'], '... from the gateway')
    r = probe(t, 'lan', 'echo', '--dst', WAN['cl6'], '--size', '1452')
    check(r.get('type') == 2 and r.get('mtu') == 1400,
          f'IPv6 1500 bytes to a 1400 port: packet too big, mtu 1400: {r}')
    check(r.get('src') == LAN['gw6'], '... from the gateway')
    r = probe(t, 'lan', 'echo', '--dst', WAN['cl4'], '--size', '1372',
              '--df')
    check(r.get('type') == 0, f'IPv4 1400 bytes DF cross: {r}')
    r = probe(t, 'lan', 'echo', '--dst', WAN['cl6'], '--size', '1352')
    check(r.get('type') == 129, f'IPv6 1400 bytes cross: {r}')


# ---- process life ------------------------------------------------------

@scenario()
def shutdown(t):
    ping_all(t, 'lan', WAN['cl4'], 3)
    blocks = t.stdout().count('=== end ===')
    t0 = time.monotonic()
    code = t.stop(signal.SIGTERM)
    dt = time.monotonic() - t0
    check(code == 0, f'SIGTERM: exit status {code}, after {dt:.1f}s')
    text = t.stdout()
    check(text.count('=== end ===') == blocks + 1,
          'a counters block printed at exit')
    c = parse_counters(text)
    for port in ('lan', 'wan'):
        rx = ctr(c, 'port', port, 'rx') if c else 0
        check(rx >= 3, f'exit block: port {port} rx {rx} >= 3')


@scenario(eal_in_file=True)
def eal_file(t):
    # EAL options came from the config file only.
    ping_all(t, 'lan', WAN['cl4'], 3)
    code = t.stop(signal.SIGINT)
    check(code == 0, f'SIGINT: exit status {code}')


# ---- driver --------------------------------------------------------------

def main(argv):
    if len(argv) == 2 and argv[1] == '--list':
        print('\n'.join(SCENARIOS))
        return 0
    if len(argv) != 3 or argv[2] not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        print('scenarios: ' + ' '.join(SCENARIOS), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print('SKIP: namespaces and packet sockets need root')
        return 77
    fn, kw = SCENARIOS[argv[2]]
    t = Topology(argv[1], **kw)
    try:
        t.start()
        fn(t)
        for g in t.gws:
            if g.alive():
                code = g.stop()
                check(code == 0,
                      f'{g.name}: mifgw stopped by SIGTERM, exit status {code}')
            else:
                code = g.proc.returncode
                check(code == 0, f'{g.name}: mifgw exit status {code}')
        rep = t.sanitizer_reports()
        check(not rep, 'no sanitizer report from mifgw'
              + (': ' + '; '.join(rep[:3]) if rep else ''))
    except HarnessError as e:
        check(False, f'harness: {e}')
    finally:
        if failures:
            t.dump_logs()
        t.close()
    print(f'{argv[2]}: {len(failures)} check(s) failed' if failures
          else f'{argv[2]}: all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
