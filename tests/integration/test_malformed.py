#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile input and faults at a running gateway (issue 9).

usage: test_malformed.py MIFGW CASE      (meson registers one test each)
       test_malformed.py --list

frames:  the scapy corpus of badframes.py is sent at the gateway from both
         sides, twice, while pings cross it both ways; every bad frame
         must be dropped under its own reason counter (exact amounts), the
         legal oddities must cross, no echo may be lost, mifgw stays up.
oversize: a 4000-byte frame on a link whose gateway end accepts it, while
         mifgw's port has MTU 1500: dropped as bad_len, traffic goes on.
link:    the wan link goes down for 2 s and up again: forwarding resumes,
         counters keep their values.
busy_ctl: the control thread busy in a 60000-route reload while a ping
         stream crosses: no echo lost.
esp:     ESP at an inbound SA (unknown SPI, truncated header, bad ICV,
         replay, pad length beyond the payload, unknown next header,
         truncated NAT-T) under a ping stream: exact gateway and SA
         counters; needs the "sas" section (skipped before).
keys:    no key of the config's SAs in --check errors for bad SA groups,
         the debug log, CLI answers or counters.
reload:  config reloads that fail part way (a bad route after a good one,
         a file cut in half) under a ping stream: refused whole, no loss,
         no counter reset.
Every case ends with SIGTERM: exit 0, no sanitizer report.
"""

import json
import os
import re
import signal
import sys
import time

import harness
from harness import SIDES, HarnessError, Topology, log, run

LAN, WAN = SIDES['lan'], SIDES['wan']
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []
CASES = {}

# What each kind of badframes.py costs, per copy sent, from either side:
# {kind: (reason, drops)}. 'odd_' kinds are legal and
# must be forwarded, so they are in no table. A kind missing from a side's
# table fails the test: every bad frame needs a named reason.
DROPS = {
    'eth_only_ip4': ('bad_len', 1),
    'eth_unknown_type': ('bad_l2', 1),
    'ip4_trunc': ('bad_len', 1),
    'ip6_trunc': ('bad_len', 1),
    'ip4_len_over': ('bad_len', 1),
    'ip6_len_over': ('bad_len', 1),
    'ip4_bad_csum': ('bad_csum', 1),
    'ip4_ihl_short': ('bad_ip', 1),
    'ip4_tot_short': ('bad_ip', 1),
    'udp4_trunc_gw': ('local_unhandled', 1),
    'udp6_trunc_gw': ('local_unhandled', 1),
    'ike_trunc_gw': ('local_unhandled', 1),
    'esp_trunc_gw': ('local_unhandled', 1),
    'esp_gw': ('local_unhandled', 1),
    # Three IPv4 fragments, but one drop: with several queues the
    # af_packet PMD joins a PACKET_FANOUT group with the defrag flag, so
    # the kernel hands mifgw the reassembled packet (docs/fuzzing.md).
    'esp_frag_gw': ('local_unhandled', 1),
    'esp_frag6_gw': ('local_unhandled', 2),
    'proto253_gw4': ('local_unhandled', 1),
    'nh253_gw6': ('local_unhandled', 1),
}
# The kernel will not put these on a veth (shorter than an Ethernet
# header): sending them must fail, and they are covered by fuzz_fwd.
REFUSED = ('eth_empty', 'eth_trunc')
ODD = ('odd_ip4_options', 'odd_ip4_frags', 'odd_ip6_frag', 'odd_proto253',
       'odd_max_frame')
ODD_FRAMES = {}
REPEAT = 2


def check(cond, what):
    print(f'{"ok  " if cond else "FAIL"} {what}', flush=True)
    if not cond:
        failures.append(what)
    return cond


def case(**topo_kw):
    def reg(fn):
        CASES[fn.__name__] = (fn, topo_kw)
        return fn
    return reg


def drops(c):
    return dict(c['drop'])


def drop_deltas(before, after):
    return {k: v - before['drop'].get(k, 0) for k, v in after['drop'].items()
            if v != before['drop'].get(k, 0)}


def port_delta(before, after, port, counter):
    return (after['port'].get(port, {}).get(counter, 0) -
            before['port'].get(port, {}).get(counter, 0))


def stream(t, side, dst, count, interval='0.02'):
    """A steady ping in the background; returns the process."""
    return t.helper(side, ['ping', '-n', '-q', '-i', interval, '-W', '2',
                           '-c', str(count), dst])


def stream_result(p, count, what):
    out, err = p.communicate(timeout=count * 0.05 + 30)
    m = re.search(r'(\d+) received', out)
    got = int(m.group(1)) if m else 0
    check(got == count, f'{what}: {got}/{count} echo replies')
    if got != count:
        print(out, err)


def send_corpus(t, side, kinds=()):
    other = 'wan' if side == 'lan' else 'lan'
    me, peer = SIDES[side], SIDES[other]
    cp = t.python(side, 'badframes.py',
                  ['--iface', t.cl_if[side], '--dst-mac', t.mac('gw', side),
                   '--src4', me['cl4'], '--src6', me['cl6'],
                   '--gw4', me['gw4'], '--gw6', me['gw6'],
                   '--peer4', peer['cl4'], '--peer6', peer['cl6'],
                   '--count', REPEAT] + list(kinds), timeout=60,
                  check=False)
    try:
        return json.loads(cp.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        check(False, f'badframes.py on {side}: {cp.stdout!r} {cp.stderr!r}')
        return {'sent': {}, 'refused': {}}


def expected_drops(res, side):
    exp = {}
    for kind, n in res['sent'].items():
        if kind in ODD:
            continue
        if not check(kind in DROPS, f'{side}: {kind} has a drop reason'):
            continue
        reason, per = DROPS[kind]
        check(n > 0 and n % REPEAT == 0, f'{side}: {kind}: {n} frames sent')
        exp[reason] = exp.get(reason, 0) + REPEAT * per
    for kind in REFUSED:
        check(kind in res['refused'],
              f'{side}: the kernel refused {kind} '
              f'({res["refused"].get(kind, "it was sent")})')
    return exp


@case()
def frames(t):
    n = 300
    for side in ('lan', 'wan'):
        other = 'wan' if side == 'lan' else 'lan'
        for v in ('4', '6'):
            got, _ = t.ping(side, SIDES[other]['cl' + v], count=2,
                            interval=0.1)
            check(got == 2, f'warm-up {side} -> {other} v{v}: {got}/2')
    before = t.counters()
    s4 = stream(t, 'lan', WAN['cl4'], n)
    s6 = stream(t, 'wan', LAN['cl6'], n)
    time.sleep(0.5)
    exp = {}
    for side in ('lan', 'wan'):
        res = send_corpus(t, side)
        log(f'{side}: {res}')
        for reason, k in expected_drops(res, side).items():
            exp[reason] = exp.get(reason, 0) + k
    stream_result(s4, n, 'lan -> wan IPv4 stream during the corpus')
    stream_result(s6, n, 'wan -> lan IPv6 stream during the corpus')
    want = sum(exp.values())
    after = t.wait_counter(
        lambda c: sum(drop_deltas(before, c).values()) >= want, timeout=5)
    got = drop_deltas(before, after)
    log(f'drop deltas: {got}, expected {exp}')
    for reason, k in sorted(exp.items()):
        check(got.get(reason, 0) == k,
              f'drop {reason} rose by {got.get(reason, 0)} == {k}')
    # Client-side MLD/RS/IGMP noise lands in mcast: not a frame of ours.
    extra = {r: k for r, k in got.items()
             if r not in exp and r != 'mcast'}
    check(not extra, f'no other drop counter moved ({extra})')
    odd = sum(ODD_FRAMES.get(k, 1) for k in ODD) * REPEAT
    for side, other in (('lan', 'wan'), ('wan', 'lan')):
        # Echo requests or replies of both streams, plus the oddities.
        d = port_delta(before, after, other, 'tx')
        check(d >= 2 * n + odd,
              f'{other} tx rose by {d} >= {2 * n + odd} (streams and the '
              f'legal oddities from {side})')
    check(t.alive(), 'mifgw still running')


@case()
def oversize(t):
    # The gateway end of the lan link takes jumbo frames; mifgw's port
    # keeps MTU 1500, so af_packet hands it a cut frame whose IPv4 total
    # length is larger than what arrived.
    gns, gif = t.ns[t.gw_of['lan']], t.gw_if['lan']
    run(['ip', 'link', 'set', 'dev', gif, 'mtu', '9000'], ns=gns)
    run(['ip', 'link', 'set', 'dev', t.cl_if['lan'], 'mtu', '9000'],
        ns=t.ns['lan'])
    got, _ = t.ping('lan', WAN['cl4'], count=2, interval=0.1)
    check(got == 2, f'warm-up: {got}/2')
    before = t.counters()
    s = stream(t, 'lan', WAN['cl4'], 100)
    cp = t.client('lan', ['ping', '-n', '-c', '5', '-i', '0.1', '-W', '1',
                          '-s', '4000', WAN['cl4']], check=False)
    log(cp.stdout.strip().splitlines()[-2:])
    stream_result(s, 100, 'lan -> wan stream around the big frames')
    after = t.wait_counter(
        lambda c: drop_deltas(before, c).get('bad_len', 0) >= 5, timeout=5)
    got = drop_deltas(before, after)
    log(f'drop deltas: {got}')
    # Each echo leaves the client whole (MTU 9000 there): one frame of
    # 4042 bytes, more than the PMD's 2048-byte ring slot.
    # The MTU change makes the client's kernel send IPv6 multicast
    # (MLD, RS), which the gateway drops as mcast: not ours to count.
    other = {k: v for k, v in got.items() if k not in ('bad_len', 'mcast')}
    check(not other, f'no other drop reason moved ({other})')
    check(got.get('bad_len', 0) == 5, f'drop bad_len rose by 5 ({got})')
    check(t.alive(), 'mifgw still running')


@case()
def link(t):
    got, _ = t.ping('lan', WAN['cl4'], count=3, interval=0.1)
    check(got == 3, f'before: {got}/3')
    before = t.counters()
    gns, gif = t.ns[t.gw_of['wan']], t.gw_if['wan']
    run(['ip', 'link', 'set', 'dev', gif, 'down'], ns=gns)
    got, _ = t.ping('lan', WAN['cl4'], count=3, interval=0.2, wait=1)
    check(got == 0, f'link down: {got}/3 echo replies')
    time.sleep(1)
    run(['ip', 'link', 'set', 'dev', gif, 'up'], ns=gns)
    deadline = time.time() + 10
    got = 0
    while time.time() < deadline and got == 0:
        got, _ = t.ping('lan', WAN['cl4'], count=1, wait=1)
    check(got == 1, 'forwarding resumed after the link came back')
    got, _ = t.ping('lan', WAN['cl4'], count=5, interval=0.1)
    check(got == 5, f'after: {got}/5')
    got, _ = t.ping('wan', LAN['cl6'], count=5, interval=0.1)
    check(got == 5, f'after, wan -> lan v6: {got}/5')
    after = t.counters()
    for port in ('lan', 'wan'):
        for ctr in ('rx', 'tx'):
            b = before['port'][port][ctr]
            a = after['port'][port][ctr]
            check(a > b, f'port {port} {ctr} kept counting ({b} -> {a})')
    log(f'drop deltas: {drop_deltas(before, after)}')
    check(t.alive(), 'mifgw still running')


# One CLI command over TCP from inside the gateway's namespace (the CLI
# listens on loopback there); prints what came back before the next prompt.
CLI_PORT = 2329
CLI_CLIENT = r"""
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=30)
def until_prompt():
    buf = b''
    while not buf.rstrip().endswith(b'mifgw>'):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    return buf
until_prompt()
s.sendall(sys.argv[2].encode() + b'\r\n')
sys.stdout.write(until_prompt().decode('utf-8', 'replace'))
"""


def cli(t, line):
    cp = run(['/usr/bin/python3', '-c', CLI_CLIENT, str(CLI_PORT), line],
             ns=t.ns['gw'], timeout=60, check=False)
    return cp.stdout + cp.stderr


def with_cli(extra=''):
    orig = harness.Gateway.write_config

    def write(self):
        orig(self)
        with open(self.cfg_path, 'a', encoding='ascii') as f:
            f.write('cli = { port = %d; };\n' % CLI_PORT + extra)
    harness.Gateway.write_config = write


@case(cli=True)
def reload(t):
    """Reloads that fail part way through the file, under traffic:
    refused whole, nothing applied, no echo lost, no counter reset."""
    got, _ = t.ping('lan', WAN['cl4'], count=2, interval=0.1)
    check(got == 2, f'warm-up: {got}/2')
    orig = open(t.cfg_path, encoding='ascii').read()
    check('routes = (' not in orig, 'the harness config has no routes')
    variants = {
        # A good new route, then a route through a port that is not there.
        'bad route after a good one': orig + (
            'routes = (\n  { prefix = "10.97.0.0/16"; via = "198.51.100.2";'
            ' port = "wan"; },\n  { prefix = "10.96.0.0/16"; '
            'via = "198.51.100.2"; port = "nope"; } );\n'),
        # The file cut in the middle: a syntax error half way.
        'file cut half way': orig[:len(orig) // 2],
    }
    before = t.counters()
    s = stream(t, 'lan', WAN['cl4'], 200)
    for what, text in variants.items():
        with open(t.cfg_path, 'w', encoding='ascii') as f:
            f.write(text)
        out = cli(t, 'config reload')
        check('% reload refused: nothing was applied' in out,
              f'reload with {what}: refused ({out.strip()[-160:]!r})')
    with open(t.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig)
    stream_result(s, 200, 'lan -> wan stream during the failed reloads')
    got, _ = t.ping('lan', '10.97.1.1', count=2, interval=0.1, wait=1)
    check(got == 0, f'the good route of the refused file was not applied '
          f'({got}/2 replies from 10.97.1.1)')
    after = t.counters()
    for port in ('lan', 'wan'):
        for ctr in ('rx', 'tx'):
            b, a = before['port'][port][ctr], after['port'][port][ctr]
            check(a >= b + 200, f'port {port} {ctr}: {b} -> {a}, not reset')
    lost = {r: k for r, k in before['drop'].items()
            if after['drop'].get(r, 0) < k}
    check(not lost, f'no drop counter went back ({lost})')
    out = cli(t, 'config reload')
    check('no change' in out, f'reload of the original file: no change '
          f'({out.strip()[-120:]!r})')


@case(cli=True)
def busy_ctl(t):
    """The control thread busy for most of a second: a reload that brings
    60000 routes (parse, validate, build the FIB, wait for the grace
    period, all on the main lcore). Workers keep forwarding between
    resolved neighbours: not one echo of the stream may be lost. No test
    hook is needed: SIGSTOP would stop the workers too."""
    got, _ = t.ping('lan', WAN['cl4'], count=2, interval=0.1)
    check(got == 2, f'warm-up: {got}/2')
    orig = open(t.cfg_path, encoding='ascii').read()
    routes = ',\n'.join(
        f'  {{ prefix = "10.{i // 256}.{i % 256}.0/24"; '
        f'via = "198.51.100.2"; port = "wan"; }}' for i in range(60000))
    with open(t.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig + 'routes = (\n' + routes + ' );\n')
    before = t.counters()
    s = stream(t, 'lan', WAN['cl4'], 300, interval='0.01')
    time.sleep(0.5)
    t0 = time.time()
    out = cli(t, 'config reload')
    wall = time.time() - t0
    m = re.search(r'applied in (\d+) ms', out)
    ms = int(m.group(1)) if m else -1
    log(f'reload: {out.strip()[-300:]!r}')
    log(f'figure: reload of 60000 routes: {ms} ms by the CLI, '
        f'{wall:.2f} s round trip')
    # A precondition, not a figure to meet: on a quiet host the reload
    # takes about 250 ms, under load a second or more. 100 ms still
    # spans ten echoes of the 10 ms stream below.
    check(ms >= 100, f'the control thread was busy {ms} ms (>= 100)')
    stream_result(s, 300, 'lan -> wan stream while the control thread '
                  'was busy')
    got, _ = t.ping('lan', '10.1.1.1', count=1, wait=1)
    after = t.counters()
    d = port_delta(before, after, 'wan', 'tx')
    check(d >= 301, f'wan tx rose by {d} (stream and the new route)')
    with open(t.cfg_path, 'w', encoding='ascii') as f:
        f.write(orig)
    check(t.alive(), 'mifgw still running')


# ---- ESP ------------------------------------------------------------------

ESP_SPI, ESP_AUTH_KEY = 0x1001, '5e' * 32
SA_ESP = f"""sas = (
  {{ name = "esp_in"; spi = {ESP_SPI}; dir = "in"; local = "{WAN['gw4']}";
     remote = "{WAN['cl4']}"; cipher = "null"; auth = "hmac-sha256-128";
     auth_key = "{ESP_AUTH_KEY}"; }} );
policies = (
  {{ dir = "out"; src = "0.0.0.0/0"; dst = "0.0.0.0/0"; action = "bypass"; }},
  {{ dir = "in"; src = "0.0.0.0/0"; dst = "0.0.0.0/0"; action = "bypass"; }},
  {{ dir = "out"; src = "::/0"; dst = "::/0"; action = "bypass"; }},
  {{ dir = "in"; src = "::/0"; dst = "::/0"; action = "bypass"; }} );
"""
# {kind: (gateway drop deltas, SA drop deltas, SA packet delta)}, for the
# two frames of each kind (badframes.py --spi). esp_good goes first: its
# sequence number 10 is then the replay of esp_replay.
ESP_CASES = {
    'esp_unknown_spi': ({'no_sa': 2}, {}, 0),
    'esp_hdr_trunc': ({'esp_bad_len': 2}, {}, 0),
    'natt_trunc': ({'esp_bad_len': 2}, {}, 0),
    # Accepted and decrypted; the inner packet then fails the SA's own
    # selector check (RFC 4301 5.2: no inbound policy names this SA).
    'esp_good': ({'esp_sa': 2}, {'policy': 2}, 2),
    'esp_replay': ({'esp_sa': 2}, {'replay': 2}, 0),
    'esp_bad_icv': ({'esp_sa': 2}, {'auth': 2}, 0),
    'esp_pad_beyond': ({'esp_sa': 2}, {'bad_pad': 2}, 0),
    # ICV good, but next header 253 is no inner IP version: the ESP
    # code counts it with the trailer errors.
    'esp_nh_unknown': ({'esp_sa': 2}, {'bad_pad': 2}, 0),
}


def sa_detail(t):
    """{'packets': n, drop reason: n} of the only SA, from show sa detail."""
    out = cli(t, 'show sa detail')
    res = {}
    m = re.search(r'packets (\d+),', out)
    if m:
        res['packets'] = int(m.group(1))
    m = re.search(r'drops: (.*)', out)
    for name, val in re.findall(r'(\w+) (\d+)', m.group(1) if m else ''):
        res[name] = int(val)
    return res


@case(cli=True, extra=SA_ESP)
def esp(t):
    """ESP-level bad frames at an inbound SA (NULL + HMAC-SHA-256-128)
    while bypass policies let a ping stream cross: each kind moves exactly
    its gateway and SA counters; valid ESP is accepted, so the ICVs the
    test computes are right and the bad ones reach the checks behind the
    ICV."""
    got, _ = t.ping('lan', WAN['cl4'], count=2, interval=0.1)
    check(got == 2, f'warm-up: {got}/2')
    s = stream(t, 'lan', WAN['cl4'], 300)
    for kind, (gw_exp, sa_exp, pkts) in ESP_CASES.items():
        b, sb = t.counters(), sa_detail(t)
        cp = t.python('wan', 'badframes.py',
                      ['--iface', t.cl_if['wan'], '--dst-mac',
                       t.mac('gw', 'wan'), '--src4', WAN['cl4'], '--src6',
                       WAN['cl6'], '--gw4', WAN['gw4'], '--gw6', WAN['gw6'],
                       '--peer4', LAN['cl4'], '--peer6', LAN['cl6'],
                       '--count', 1, '--spi', hex(ESP_SPI),
                       '--auth-key', ESP_AUTH_KEY, kind], check=False)
        check('"%s": 2' % kind in cp.stdout, f'{kind}: 2 frames sent')
        # Every kind ends in two drops; a loaded host may take a while.
        # Client-side MLD/RS noise lands in mcast: not part of the case.
        def ours(c):
            return {k: v for k, v in drop_deltas(b, c).items()
                    if k != 'mcast'}
        t.wait_counter(lambda c: sum(ours(c).values()) >= 2, timeout=5)
        time.sleep(0.2)
        d, sa = ours(t.counters()), sa_detail(t)
        sd = {k: v - sb.get(k, 0) for k, v in sa.items()
              if v != sb.get(k, 0)}
        log(f'{kind}: gateway drops {d}, SA {sd}')
        if gw_exp is not None:
            check(d == gw_exp, f'{kind}: gateway drops {d} == {gw_exp}')
        if sa_exp is not None:
            got = {k: v for k, v in sd.items() if k != 'packets'}
            check(got == sa_exp, f'{kind}: SA drops {got} == {sa_exp}')
        if pkts is not None:
            check(sd.get('packets', 0) == pkts,
                  f'{kind}: SA packets +{sd.get("packets", 0)} == {pkts}')
    stream_result(s, 300, 'lan -> wan stream during the ESP cases')
    check(t.alive(), 'mifgw still running')


# ---- key hygiene --------------------------------------------------------

class Skip(Exception):
    pass


# Key material of the "keys" case: distinct patterns, none a substring of
# anything else the gateway prints.
KEYS = {
    'gcm_key': '3c8e1f0a9b7d26e45fa1c3079db2e864',
    'gcm_salt': 'c4a17e39',
    'cbc_key': '6d20f9b1e3a85c47d91e0b2f6c3a7485e2d1c0b9a8f7e6d5c4b3a29180f7e6d5',
    'auth_key': '9e7a5c3b1d2f4e6a8c0b1d3e5f7a9c2b4d6e8f0a1b3c5d7e9f2a4b6c8d0e1f3a',
}
SA_GOOD = f"""sas = (
  {{ name = "in1"; spi = 4097; dir = "in"; local = "{WAN['gw4']}";
     remote = "{WAN['cl4']}"; cipher = "aes-gcm-128";
     key = "{KEYS['gcm_key']}"; salt = "{KEYS['gcm_salt']}"; }},
  {{ name = "out1"; spi = 4098; dir = "out"; local = "{WAN['gw4']}";
     remote = "{WAN['cl4']}"; cipher = "aes-cbc-256";
     key = "{KEYS['cbc_key']}"; auth = "hmac-sha256-128";
     auth_key = "{KEYS['auth_key']}"; }} );
"""


def leaks(text):
    """Key material found in text: any 8 bytes (16 hex digits) of a key in
    a row, in either case, with or without ':' between bytes; a salt
    whole."""
    flat = re.sub(r'[^0-9a-f]', '', text.lower())
    found = []
    for name, k in KEYS.items():
        win = min(16, len(k))
        if any(k[i:i + win] in flat for i in range(0, len(k) - win + 1, 2)):
            found.append(name)
    return found


def bad_sa_configs(good):
    """SA groups wrong in one key each; every key value stays in."""
    k = KEYS
    return {
        'key one byte long': good.replace(k['gcm_key'], k['gcm_key'] + '0f'),
        'key with a bad digit': good.replace(k['cbc_key'],
                                             k['cbc_key'][:-1] + 'g'),
        'salt with CBC': good.replace('auth = "hmac-sha256-128";',
                                      'auth = "hmac-sha256-128"; salt = "'
                                      + k['gcm_salt'] + '";'),
        'auth key short': good.replace(k['auth_key'], k['auth_key'][:40]),
        'auth with GCM': good.replace('salt = "' + k['gcm_salt'] + '";',
                                      'salt = "' + k['gcm_salt'] + '"; '
                                      'auth = "hmac-sha256-128"; auth_key = "'
                                      + k['auth_key'] + '";'),
        'unknown cipher': good.replace('"aes-cbc-256"', '"aes-cbc-512"'),
    }


def check_bad_sa_configs(t):
    base = open(t.cfg_path, encoding='ascii').read()
    base = base.replace(SA_GOOD, '')
    for what, sas in bad_sa_configs(SA_GOOD).items():
        path = os.path.join(t.dir, 'badsa.conf')
        with open(path, 'w', encoding='ascii') as f:
            f.write(base + sas)
        cp = run([t.mifgw, '--', '-f', path, '--check'], check=False)
        out = cp.stdout + cp.stderr
        if 'unknown key "sas"' in out:
            raise Skip('this mifgw has no "sas" section yet')
        check(cp.returncode != 0 and 'sas[' in out,
              f'--check refuses the SA config with {what}: '
              f'{out.strip()[-140:]!r}')
        found = leaks(out)
        check(not found, f'... and prints no key material ({found})')


@case(cli=True, extra=SA_GOOD, log_level='debug')
def keys(t):
    """No key of the configuration in anything mifgw prints: --check errors
    for bad SA groups, its log at debug level, the CLI, the counters."""
    check(sorted(leaks(SA_GOOD.upper().replace('"', ':'))) == sorted(KEYS),
          'the leak detector finds every key in the config text')
    check_bad_sa_configs(t)
    texts = []
    for line in ('show sa', 'show sas', 'show config', 'show running-config',
                 'show stats', 'help'):
        texts.append(cli(t, line))
    texts.append(json.dumps(t.counters()))
    t.ping('lan', WAN['cl4'], count=2, interval=0.1, wait=1)
    code = t.stop()
    check(code == 0, f'mifgw stopped by SIGTERM, exit status {code}')
    texts += [t.stdout(), t.stderr()]
    log('CLI show sa: ' + repr(texts[0][:300]))
    check(all('mifgw>' in x for x in texts[:6]), 'the CLI answered each')
    found = leaks('\n'.join(texts))
    check(not found, f'no key material in the log, the CLI or the counters '
          f'({found}; {sum(map(len, texts))} bytes read)')


def main(argv):
    if len(argv) == 2 and argv[1] == '--list':
        print('\n'.join(CASES))
        return 0
    if len(argv) != 3 or argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print('SKIP: namespaces and packet sockets need root')
        return 77
    fn, kw = CASES[argv[2]]
    if kw.pop('cli', False):
        with_cli(kw.pop('extra', ''))
    t = Topology(argv[1], **kw)
    t.mifgw = argv[1]
    try:
        try:
            t.start()
        except HarnessError:
            # Until the "sas" section is built in, "keys" has no subject.
            if 'unknown key "sas"' in (t.stderr() or ''):
                raise Skip('this mifgw has no "sas" section yet')
            raise
        fn(t)
        if t.alive():
            code = t.stop()
            check(code == 0, f'mifgw stopped by SIGTERM, exit status {code}')
        rep = t.sanitizer_reports()
        check(not rep, 'no sanitizer report from mifgw'
              + (': ' + '; '.join(rep[:3]) if rep else ''))
    except HarnessError as e:
        check(False, f'harness: {e}')
    except Skip as e:
        print(f'SKIP: {e}')
        t.close()
        return 77
    finally:
        if failures:
            t.dump_logs()
        t.close()
    print(f'{argv[2]}: {len(failures)} check(s) failed' if failures
          else f'{argv[2]}: all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv))
