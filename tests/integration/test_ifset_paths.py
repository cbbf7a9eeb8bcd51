#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Interface sets through mifgw's worker pipeline, scapy as the user.

usage: test_ifset_paths.py MIFGW

One inbound tunnel SA (test_esp.py's "t4") is configured with an
interface set: its own path (gateway 198.51.100.1 <- user .2, ACTIVE),
an ALTERNATE path from user address .20 and a PENDING path from .30.
scapy encrypts real ESP and sends it from each of these outer sources
(and from one that is in no path); the test checks what reaches the
server behind the gateway and the SA's "path" drop counter:

- ACTIVE path: decrypted and forwarded;
- ALTERNATE path: discarded before decryption, counted;
- PENDING path (being verified): accepted inbound;
- unknown source with the right SPI: discarded, counted.

Then a path is added at run time through the CLI with a traffic
selector (t4's peer network): t4 is accepted on it, the other SA of the
same peer (n4, NAT-T) is not. Handover: test_ifset_handover.py.
"""

import os
import re
import struct
import sys
import time

from scapy.all import IP, UDP

import test_cli as tc
import test_esp as E
from harness import HarnessError, Topology

ALT, PEND, STRANGER = '198.51.100.20', '198.51.100.30', '198.51.100.40'


def sa_config_paths():
    base = E.sa_config('t4', 'in')
    local = E.WAN['gw4']
    paths = (f'path_policy = "primary"; paths = ( '
             f'{{ local = "{local}"; remote = "{ALT}"; '
             f'state = "alternate"; alt_of = 0; }}, '
             f'{{ local = "{local}"; remote = "{PEND}"; '
             f'state = "pending"; }} );')
    assert base.endswith(' }')
    return base[:-2] + '\n    ' + paths + ' }'


def extra_config():
    sas = [sa_config_paths(), E.sa_config('t4', 'out'),
           E.sa_config('n4', 'in'), E.sa_config('n4', 'out')]
    return ('sas = (\n' + ',\n'.join(sas) + '\n);\npolicies = (\n' +
            ',\n'.join(E.policies(['t4', 'n4'])) + '\n);\n')


def with_src(b, src):
    """The outer IPv4 source rewritten (the ESP ICV does not cover it)."""
    ip = bytearray(b)
    ip[12:16] = bytes(int(x) for x in src.split('.'))
    ip[10:12] = b'\0\0'
    s = sum(struct.unpack('!10H', bytes(ip[:20])))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack('!H', ~s & 0xffff)
    return bytes(ip)


class Sender:
    def __init__(self, t):
        self.lan, self.wan = E.Link(t, 'lan'), E.Link(t, 'wan')
        self.seq = 0
        self.dst = E.lan_host('t4')

    def burst(self, src, n, tag, sa='t4'):
        """n packets from outer source src; returns how many arrived."""
        self.lan.drain()
        for i in range(n):
            self.seq += 1
            inner = E.inner_udp(E.peer_host(sa), self.dst,
                                f'{tag} {i}'.encode() * 4, dport=5100)
            self.wan.send_ip(with_src(E.peer_encrypt(sa, inner,
                                                     self.seq), src))
        got = self.lan.collect(E.is_udp_to(self.dst, 5100), n,
                               timeout=2.0)
        return len([b for b in got
                    if bytes(IP(b)[UDP].payload).startswith(tag.encode())])


def scoped(t, s, n):
    """An operation scoped by traffic selector (the CLI takes a prefix:
    the SAs whose protect policies' far side contains it) changes only
    those SAs: 10.9.0.0/24 is t4's peer network, not n4's."""
    new = '198.51.100.50'
    got = s.burst(E.WAN['cl4'], n, 'n4-own', 'n4')
    E.check(got == n, f'n4 on its own path: {got}/{n}')
    out = cli(t, [f'paths add 10.9.0.0/24 {E.WAN["gw4"]} {new}'])
    E.check('t4_in: path' in out and 'n4' not in out,
            f'paths add scoped to 10.9.0.0/24: {out.strip()!r}')
    got = s.burst(new, n, 't4-new')
    E.check(got == n, f't4 on the added path: {got}/{n}')
    got = s.burst(new, n, 'n4-new', 'n4')
    E.check(got == 0, f'n4 on t4\'s new path: {got}/{n} (want 0)')
    got = s.burst(E.WAN['cl4'], n, 'n4-again', 'n4')
    E.check(got == n, f'n4 still on its own path: {got}/{n}')


def cli(t, cmds):
    own = os.open('/proc/self/ns/net', os.O_RDONLY)
    fd = os.open(f'/run/netns/{t.ns["gw"]}', os.O_RDONLY)
    try:
        E.setns(fd)
        c = tc.Raw(2323)
    finally:
        E.setns(own)
        os.close(fd)
        os.close(own)
    c.expect(re.escape(tc.PROMPT), 5)
    out = ''.join(c.cmd(line) or '' for line in cmds)
    c.close()
    return out


def run(t):
    keep = [E.ns_socket(t.ns['lan'], udp_port=5100)]
    t.ping('lan', E.LAN['gw4'], count=1)
    t.ping('wan', E.WAN['gw4'], count=1)
    s = Sender(t)
    n = 10
    got = s.burst(E.WAN['cl4'], n, 'active')
    E.check(got == n, f'ACTIVE path: {got}/{n} forwarded')
    got = s.burst(ALT, n, 'alternate')
    E.check(got == 0, f'ALTERNATE path: {got}/{n} forwarded (want 0)')
    got = s.burst(PEND, n, 'pending')
    E.check(got == n, f'PENDING path: {got}/{n} accepted inbound')
    got = s.burst(STRANGER, n, 'stranger')
    E.check(got == 0, f'source in no path: {got}/{n} forwarded (want 0)')
    got = s.burst(E.WAN['cl4'], n, 'again')
    E.check(got == n, f'ACTIVE path still works: {got}/{n}')
    time.sleep(0.3)
    c = t.counters()
    drops = E.sa_ctr(c, 't4_in', 'path')
    E.check(drops == 2 * n, f't4_in path drops {drops} (want {2 * n})')
    pk = E.sa_ctr(c, 't4_in', 'packets')
    E.check(pk == 3 * n, f't4_in packets {pk} (want {3 * n})')
    E.check(E.sa_ctr(c, 't4_in', 'replay') == 0, 't4_in: no replay drop')
    scoped(t, s, n)
    for k in keep:
        k.close()


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    t = Topology(sys.argv[1])
    g = t.gw
    orig = g.write_config

    def write_config():
        orig()
        with open(g.cfg_path, 'a', encoding='ascii') as f:
            f.write(extra_config())
    g.write_config = write_config
    try:
        t.start()
        run(t)
        rc = t.stop()
        E.check(rc == 0, f'mifgw exited with {rc}')
        E.check(not t.sanitizer_reports(), 'no sanitizer report')
    except HarnessError as e:
        E.check(False, f'harness: {e}')
    finally:
        if E.failures:
            t.dump_logs(40)
        t.close()
    print(f'{len(E.failures)} failed' if E.failures else 'all passed')
    return 1 if E.failures else 0


if __name__ == '__main__':
    sys.exit(main())
