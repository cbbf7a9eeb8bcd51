#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Multihoming driven by a real link event: the primary path's port is a
net_tap device, whose link state DPDK reads from the kernel interface
(af_packet in 22.11 always says "up").

usage: test_ifset_linkdown.py MIFGW

Topology: test_ifset_failover.py's (SA "t4": primary on wan2
198.18.0.1 <-> 198.18.0.2, ALTERNATE on wan, failback immediate), but
the gateway's wan2 port is "net_tap,iface=<tap>": DPDK creates the tap
in the gateway's namespace, and the test bridges it there to the veth
toward the wan client's namespace. Checked, with a steady outbound
stream (one packet every STEP seconds):

1. link up: ESP leaves on the tap (seen on the wan client's veth) and
   the alternate carries nothing;
2. `ip link set <tap> down`: the link monitor fails the primary, the
   alternate is promoted, the stream continues on wan; reported: time
   from the link-down command to the first ESP on the alternate and the
   packets lost (ESP sequence numbers sent vs seen on either path);
3. `ip link set <tap> up`: failback (immediate) puts ESP back on the
   primary and the alternate stops.
"""

import os
import struct
import sys
import time

import test_esp as E
import test_ifset_failover as F
from harness import HarnessError, Topology, run as hrun

STEP = 0.005


def esp_seq(b):
    return struct.unpack('!I', b[24:28])[0]


class Stream:
    """Outbound t4 packets, one per STEP; ESP seen per path by seq."""

    def __init__(self, tr):
        self.tr = tr
        self.sent = 0
        self.seen = {'wan': {}, 'wan2': {}}
        _, cl = E.addrs('t4')
        self.pred = {'wan': F.is_esp_out(cl),
                     'wan2': F.is_esp_out(F.P_REMOTE)}

    def poll(self, timeout):
        for name, sock in (('wan', self.tr.wan.sock),
                           ('wan2', self.tr.wan2)):
            link = E.Link.__new__(E.Link)
            link.sock = sock
            for b in link.collect(self.pred[name], 1 << 20, timeout):
                self.seen[name].setdefault(esp_seq(b), time.monotonic())

    def run(self, seconds, until=None):
        """Send for `seconds` (or until until() is true)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tr.out(1, f's{self.sent}')
            self.sent += 1
            self.poll(STEP)
            if until is not None and until():
                return True
        return False


def scenario(t, tap, br, g2, c2):
    keep = [E.ns_socket(t.ns['lan'], udp_port=5100)]
    gns = t.ns['gw']
    for cmd in (['link', 'add', br, 'type', 'bridge'],
                ['link', 'set', tap, 'master', br],
                ['link', 'set', g2, 'master', br],
                ['link', 'set', br, 'up'], ['link', 'set', g2, 'up']):
        hrun(['ip', '-n', gns] + cmd)
    hrun(['ip', '-n', t.ns['wan'], 'addr', 'add', f'{F.P_REMOTE}/24',
          'dev', c2])
    t.ping('lan', E.LAN['gw4'], count=1)
    t.ping('wan', E.WAN['gw4'], count=1)
    t.ping('wan', F.P_LOCAL, count=1)
    tr = F.Traffic(t, c2)
    st = Stream(tr)

    # 1. Primary up: a second of stream, all on the tap.
    st.run(1.0)
    st.poll(0.2)
    up2, up1 = len(st.seen['wan2']), len(st.seen['wan'])
    E.check(up2 >= st.sent - 1, f'link up: {up2}/{st.sent} ESP on the '
            'primary (the first may wait for ARP)')
    E.check(up1 == 0, f'link up: {up1} ESP on the alternate (want 0)')

    # 2. The tap's link goes down; the stream goes on.
    last_up = max(st.seen['wan2'], default=0)
    sent0 = st.sent
    t_down = time.monotonic()
    hrun(['ip', '-n', gns, 'link', 'set', tap, 'down'])
    moved = st.run(6.0, until=lambda: len(st.seen['wan']) >= 20)
    E.check(moved, f'link down: {len(st.seen["wan"])} ESP on the '
            'alternate within 6 s (want 20)')
    first = min(st.seen['wan'].values(), default=None)
    st.poll(0.3)
    seqs = set(st.seen['wan']) | set(st.seen['wan2'])
    after = st.sent - sent0
    got = len([s for s in seqs if s > last_up])
    lost = after - got
    if first is not None:
        print(f'link down -> first ESP on the alternate: '
              f'{(first - t_down) * 1000:.0f} ms; lost {lost} of {after} '
              f'packets sent after the link went down '
              f'(one per {STEP * 1000:.0f} ms)')
    E.check(first is not None and 0 <= lost < after,
            f'link down: loss {lost} of {after}')
    # Once the alternate carries the SA, nothing more is lost.
    s0 = min(st.seen['wan'], default=0)
    gaps = [s for s in range(s0, max(seqs, default=0) + 1) if s not in seqs]
    E.check(s0 and not gaps, f'after the promotion: no gap in the ESP '
            f'sequence numbers ({len(gaps)} missing from {s0})')
    c = t.counters()
    E.check(len([s for s in st.seen['wan'] if s <= last_up]) == 0,
            'no sequence number of the primary period on the alternate')
    log = t.stderr() + t.stdout()
    E.check('link down: 2 interface-set changes' in log and
            'alternate -> active (fail, link down)' in log,
            'NOTICE lines: both SAs of t4 changed through the registry, '
            'alternate -> active')
    got_in = tr.inb(10, 'alt-after')
    E.check(got_in == 10, f'link down: {got_in}/10 inbound on the '
            'alternate accepted')

    # 3. Back up: immediate failback, the alternate stops.
    hrun(['ip', '-n', gns, 'link', 'set', tap, 'up'])
    n2 = len(st.seen['wan2'])
    back = st.run(6.0, until=lambda: len(st.seen['wan2']) >= n2 + 20)
    E.check(back, 'link up again: ESP back on the primary within 6 s')
    st.poll(0.3)
    n1 = len(st.seen['wan'])
    st.run(0.5)
    st.poll(0.3)
    E.check(len(st.seen['wan']) == n1, 'after failback: '
            f'{len(st.seen["wan"]) - n1} ESP on the alternate (want 0)')
    c = t.counters()
    E.check(E.sa_ctr(c, 't4_out', 'no_path') in (0, None),
            'no packet without a path')
    for k in keep + [tr.wan2]:
        k.close()


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    t = Topology(sys.argv[1])
    short = t.gw_if['wan'][1:7]
    g2, c2 = f'v{short}g9', f'v{short}c9'
    tap, br = f'mt{short}', f'mb{short}'
    t.links.append((('gw', g2), ('wan', c2)))
    g = t.gw
    g.ports.append({'name': 'wan2', 'role': 'unprotected', 'ifname': g2,
                    'addrs': [f'{F.P_LOCAL}/24'], 'mtu': 1500})
    orig = g.write_config
    i = len(g.ports) - 1

    def write_config():
        orig()
        with open(g.cfg_path, encoding='ascii') as f:
            text = f.read()
        old = f'net_af_packet{i},iface={g2}'
        assert old in text, text
        text = text.replace(old, f'net_tap{i},iface={tap}')
        with open(g.cfg_path, 'w', encoding='ascii') as f:
            f.write(text + F.extra_config())
    g.write_config = write_config
    try:
        t.start()
        scenario(t, tap, br, g2, c2)
        rc = t.stop()
        E.check(rc == 0, f'mifgw exited with {rc}')
        E.check(not t.sanitizer_reports(), 'no sanitizer report')
    except HarnessError as e:
        E.check(False, f'harness: {e}')
    finally:
        if E.failures:
            t.dump_logs(60)
        t.close()
    print(f'{len(E.failures)} failed' if E.failures else 'all passed')
    return 1 if E.failures else 0


if __name__ == '__main__':
    sys.exit(main())
