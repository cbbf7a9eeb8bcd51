# SPDX-License-Identifier: BSD-3-Clause
"""Packet probes that run inside a client namespace (python3 stdlib only).

  probe.py echo --dst ADDR [--ttl N] [--size N] [--df] [--timeout S]
      Send one ICMP/ICMPv6 echo request through the kernel (which resolves
      the next hop) and print, as JSON, the first ICMP message that answers
      it: an echo reply, or an error that quotes our request.
  probe.py frames --iface IF --dst-mac MAC --kind KIND [--count N]
      Send malformed Ethernet frames that the kernel would never build:
      short4 (IPv4 ethertype, 10 bytes of payload), short6 (IPv6 ethertype,
      20 bytes), trunc4 (a whole IPv4 header whose total length runs past
      the frame), badcsum4 (IPv4 header checksum off by one), badver4
      (version 5 in an IPv4 ethertype frame).
  probe.py burst --dst ADDR [--ttl N] [--count N] [--timeout S]
      Send N echo requests back to back, print JSON counts by ICMP type of
      what answered them within S seconds.
  probe.py arp-watch --iface IF --target ADDR --timeout S
      Print "watching", then after S seconds a JSON count of ARP requests
      for ADDR seen on IF.
"""

import argparse
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
ETH_P_ALL = 0x0003
# <linux/in.h>, <linux/in6.h>: not all exported by Python 3.11's socket.
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DONT = 0
IP_PMTUDISC_DO = 2
IPV6_DONTFRAG = 62


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def echo_request(v6, ident, size):
    payload = bytes((i & 0xff for i in range(size)))
    typ = 128 if v6 else 8
    hdr = struct.pack('!BBHHH', typ, 0, 0, ident, 1)
    if v6:
        # The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets.
        return hdr + payload
    c = csum(hdr + payload)
    return struct.pack('!BBHHH', typ, 0, c, ident, 1) + payload


def parse_v4(data, ident):
    """data starts at the IPv4 header (raw IPv4 sockets include it)."""
    ihl = (data[0] & 0x0f) * 4
    icmp = data[ihl:]
    if len(icmp) < 8:
        return None
    typ, code = icmp[0], icmp[1]
    res = {'type': typ, 'code': code, 'cksum_ok': csum(icmp) == 0,
           'ttl': data[8], 'len': len(icmp)}
    if typ == 0:
        if struct.unpack('!H', icmp[4:6])[0] != ident:
            return None
        return res
    if typ not in (3, 11, 12):
        return None
    inner = icmp[8:]
    if len(inner) < 28 or inner[9] != 1:
        return None
    iihl = (inner[0] & 0x0f) * 4
    if struct.unpack('!H', inner[iihl + 4:iihl + 6])[0] != ident:
        return None
    res.update({'mtu': struct.unpack('!H', icmp[6:8])[0],
                'inner_dst': socket.inet_ntoa(inner[16:20]),
                'inner_ttl': inner[8], 'quoted': len(inner)})
    return res


def parse_v6(data, ident):
    """data starts at the ICMPv6 header (the kernel strips IPv6)."""
    if len(data) < 8:
        return None
    typ, code = data[0], data[1]
    res = {'type': typ, 'code': code, 'len': len(data)}
    if typ == 129:
        if struct.unpack('!H', data[4:6])[0] != ident:
            return None
        return res
    if typ not in (1, 2, 3, 4):
        return None
    inner = data[8:]
    if len(inner) < 48 or inner[6] != 58:
        return None
    if struct.unpack('!H', inner[44:46])[0] != ident:
        return None
    res.update({'mtu': struct.unpack('!I', data[4:8])[0],
                'inner_dst': socket.inet_ntop(socket.AF_INET6, inner[24:40]),
                'inner_hlim': inner[7], 'quoted': len(inner)})
    return res


def cmd_echo(a):
    dst = ipaddress.ip_address(a.dst)
    v6 = dst.version == 6
    ident = (os.getpid() ^ int(time.time() * 1000)) & 0xffff
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.ttl)
        if a.df:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_DONTFRAG, 1)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                     IP_PMTUDISC_DO if a.df else IP_PMTUDISC_DONT)
    pkt = echo_request(v6, ident, a.size)
    s.sendto(pkt, (a.dst, 0))
    deadline = time.monotonic() + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print(json.dumps({'type': None}))
            return 1
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        data, addr = s.recvfrom(65535)
        res = parse_v6(data, ident) if v6 else parse_v4(data, ident)
        if res is not None:
            res['src'] = addr[0]
            print(json.dumps(res))
            return 0


def cmd_burst(a):
    """Send --count echo requests back to back (same TTL), then count for
    --timeout seconds what answers them, by ICMP type."""
    dst = ipaddress.ip_address(a.dst)
    v6 = dst.version == 6
    ident = (os.getpid() ^ int(time.time() * 1000)) & 0xffff
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.ttl)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    pkt = echo_request(v6, ident, a.size)
    t0 = time.monotonic()
    for _ in range(a.count):
        s.sendto(pkt, (a.dst, 0))
    sent_in = time.monotonic() - t0
    types = {}
    deadline = time.monotonic() + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        data, _addr = s.recvfrom(65535)
        res = parse_v6(data, ident) if v6 else parse_v4(data, ident)
        if res is not None:
            key = str(res['type'])
            types[key] = types.get(key, 0) + 1
    print(json.dumps({'sent': a.count, 'send_seconds': sent_in,
                      'types': types}))
    return 0


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


def cmd_frames(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    src = s.getsockname()[4][:6]
    dst = mac_bytes(a.dst_mac)
    if a.kind == 'short4':
        frame = dst + src + struct.pack('!H', 0x0800) + b'\x45' + bytes(9)
    elif a.kind == 'short6':
        frame = dst + src + struct.pack('!H', 0x86dd) + b'\x60' + bytes(19)
    elif a.kind in ('badcsum4', 'badver4'):
        # A whole UDP packet; its header checksum is off by one, or its
        # version field says 5.
        udp = struct.pack('!HHHH', 9, 9, 12, 0) + b'mifg'
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64,
                          17, 0, socket.inet_aton('192.0.2.2'),
                          socket.inet_aton('198.51.100.2'))
        c = csum(hdr)
        if a.kind == 'badcsum4':
            c = (c + 1) & 0xffff
        else:
            hdr = b'\x55' + hdr[1:]
            c = csum(hdr)
        hdr = hdr[:10] + struct.pack('!H', c) + hdr[12:]
        frame = dst + src + struct.pack('!H', 0x0800) + hdr + udp
    elif a.kind == 'trunc4':
        # A valid 20-byte header claiming 200 bytes, then 8 bytes.
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 200, 1, 0, 64, 17, 0,
                          socket.inet_aton('192.0.2.2'),
                          socket.inet_aton('198.51.100.2'))
        hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
        frame = dst + src + struct.pack('!H', 0x0800) + hdr + bytes(8)
    else:
        print(f'unknown kind {a.kind}', file=sys.stderr)
        return 2
    for _ in range(a.count):
        s.send(frame)
    print(json.dumps({'sent': a.count, 'len': len(frame)}))
    return 0


def cmd_arp_watch(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ARP))
    s.bind((a.iface, ETH_P_ARP))
    target = socket.inet_aton(a.target)
    print('watching', flush=True)
    seen = 0
    senders = set()
    deadline = time.monotonic() + a.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        f = s.recv(2048)
        arp = f[14:]
        # htype 1, ptype IPv4, hlen 6, plen 4, op 1 (request)
        if len(arp) < 28 or arp[:8] != bytes.fromhex('0001080006040001'):
            continue
        if arp[24:28] == target:
            seen += 1
            senders.add(socket.inet_ntoa(arp[14:18]))
    print(json.dumps({'requests': seen, 'senders': sorted(senders)}))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    e = sub.add_parser('echo')
    e.add_argument('--dst', required=True)
    e.add_argument('--ttl', type=int, default=64)
    e.add_argument('--size', type=int, default=56)
    e.add_argument('--df', action='store_true')
    e.add_argument('--timeout', type=float, default=3)
    f = sub.add_parser('frames')
    f.add_argument('--iface', required=True)
    f.add_argument('--dst-mac', required=True)
    f.add_argument('--kind', required=True)
    f.add_argument('--count', type=int, default=1)
    b = sub.add_parser('burst')
    b.add_argument('--dst', required=True)
    b.add_argument('--ttl', type=int, default=64)
    b.add_argument('--size', type=int, default=56)
    b.add_argument('--count', type=int, default=100)
    b.add_argument('--timeout', type=float, default=2)
    w = sub.add_parser('arp-watch')
    w.add_argument('--iface', required=True)
    w.add_argument('--target', required=True)
    w.add_argument('--timeout', type=float, default=5)
    a = ap.parse_args()
    return {'echo': cmd_echo, 'frames': cmd_frames, 'burst': cmd_burst,
            'arp-watch': cmd_arp_watch}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main())
