#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Soft and hard handover of one SA under a steady ESP stream.

usage: test_ifset_handover.py MIFGW

scapy (the user) sends ESP of test_esp.py's inbound SA "t4_in" as fast
as it encrypts (a 2 ms pause between packets; 50-100 pkt/s here); what reaches the server behind the gateway is counted by payload.
The operations go through mifgw's CLI ("paths ..." commands).

- Soft: path B (user address .21) is added, then "handover 1 2 soft":
  A and B are both ACTIVE; the user moves to B half a second later; A is
  REMOVED by the control thread once it has been quiet for 1 s. Zero
  packets may be lost, and afterwards A is refused.
- Hard: path C (.22) is added, then "handover 2 3 hard" while the user
  keeps sending on B for 100 ms more (packets in flight on the old
  interface): those, and only those, are lost; the loss is reported.
"""

import os
import re
import socket
import sys
import time

from scapy.all import IP, UDP

import test_cli as tc
import test_esp as E
import test_ifset_paths as P
from harness import HarnessError, Topology

B, C = '198.51.100.21', '198.51.100.22'
GAP = 0.002
SO_RCVBUFFORCE = getattr(socket, 'SO_RCVBUFFORCE', 33)


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


class Stream:
    def __init__(self, t):
        self.lan, self.wan = E.Link(t, 'lan'), E.Link(t, 'wan')
        # The stream is read only after it ends: 2 s at up to 500 pkt/s
        # would overflow the default 208 KiB socket buffer (about 246 of
        # these frames) and count as loss. Root may exceed rmem_max.
        self.lan.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 23)
        self.seq = 0
        self.sent = {}          # payload tag -> outer source

    def send(self, src, tag):
        self.seq += 1
        inner = E.inner_udp(E.peer_host('t4'), E.lan_host('t4'),
                            tag.encode(), dport=5100)
        self.wan.send_ip(P.with_src(E.peer_encrypt('t4', inner, self.seq),
                                    src))
        self.sent[tag] = src

    def run(self, src_at, secs, name):
        """Send every GAP s for secs; src_at(t) gives the source."""
        t0 = time.monotonic()
        i = 0
        while time.monotonic() - t0 < secs:
            self.send(src_at(time.monotonic() - t0), f'{name} {i}')
            i += 1
            time.sleep(GAP)

    def received(self, name, timeout=2.0):
        got = self.lan.collect(E.is_udp_to(E.lan_host('t4'), 5100),
                               10 ** 6, timeout=timeout)
        return {bytes(IP(b)[UDP].payload).decode() for b in got
                if bytes(IP(b)[UDP].payload).startswith(name.encode())}


def soft(t, st):
    a = E.WAN['cl4']
    gw = E.WAN['gw4']
    out = cli(t, [f'paths add t4_in {gw} {B} alternate'])
    E.check('path 2 added' in out, f'add B: {out.strip()!r}')
    st.lan.drain()
    state = {'cmd': None}

    def src_at(now):
        if state['cmd'] is None and now >= 0.5:
            state['cmd'] = cli(t, ['paths handover t4_in 1 2 soft'])
        return a if now < 1.0 else B
    st.run(src_at, 2.0, 'soft')
    E.check('done' in (state['cmd'] or ''),
            f'soft handover command: {state["cmd"]!r}')
    got = st.received('soft')
    n = len([k for k in st.sent if k.startswith('soft')])
    lost = n - len(got)
    E.check(lost == 0, f'soft handover under a {n / 2.0:.0f} pkt/s stream: '
            f'{len(got)}/{n} delivered, {lost} lost (want 0)')
    # A has been quiet for 1 s once the stream moved: then it goes.
    time.sleep(1.5)
    st.lan.drain()
    st.send(a, 'late-a 0')
    late = st.received('late-a', 1.0)
    E.check(not late, 'after the drain, path A is refused')
    show = cli(t, ['show paths'])
    E.check(re.search(r'\b1\s+removed', show) is not None,
            f'show paths: path 1 removed ({show.strip()!r})')


def hard(t, st):
    gw = E.WAN['gw4']
    out = cli(t, [f'paths add t4_in {gw} {C} alternate'])
    E.check('path 3 added' in out, f'add C: {out.strip()!r}')
    st.lan.drain()
    state = {'cmd': None, 't_ret': None}

    def src_at(now):
        if state['cmd'] is None and now >= 0.5:
            state['cmd'] = cli(t, ['paths handover t4_in 2 3 hard'])
            state['t_ret'] = now
        # The user keeps using B for 100 ms after the switch.
        return B if now < 0.6 or state['t_ret'] is None else C
    st.run(src_at, 1.2, 'hard')
    E.check('done' in (state['cmd'] or ''),
            f'hard handover command: {state["cmd"]!r}')
    got = st.received('hard')
    lost_tags = [k for k in st.sent if k.startswith('hard') and
                 k not in got]
    on_b_late = [k for k in lost_tags if st.sent[k] == B]
    E.check(all(st.sent[k] == B for k in lost_tags),
            'hard handover: every lost packet was sent on the old path B')
    n = len([k for k in st.sent if k.startswith('hard')])
    E.check(len(lost_tags) <= 0.15 / GAP,
            f'hard handover: {len(lost_tags)} of {n} lost (sent on B '
            f'after the switch, up to 100 ms at {n / 1.2:.0f} pkt/s)')
    print(f'figure: hard handover loss {len(on_b_late)} packets')


def run(t):
    keep = [E.ns_socket(t.ns['lan'], udp_port=5100)]
    t.ping('lan', E.LAN['gw4'], count=1)
    t.ping('wan', E.WAN['gw4'], count=1)
    st = Stream(t)
    soft(t, st)
    hard(t, st)
    time.sleep(0.3)
    c = t.counters()
    E.check(E.sa_ctr(c, 't4_in', 'replay') == 0, 't4_in: no replay drop')
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
            f.write('sas = (\n' + E.sa_config('t4', 'in') + ',\n' +
                    E.sa_config('t4', 'out') + '\n);\npolicies = (\n' +
                    ',\n'.join(E.policies(['t4'])) + '\n);\n')
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
