#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The malformed-frame corpus of test_malformed.py, built with scapy and
sent from a client namespace straight onto its veth (packet socket).

usage: badframes.py --iface IF --dst-mac MAC --src4 A --src6 A
                    --gw4 A --gw6 A --peer4 A --peer6 A --count N
                    [--spi SPI --auth-key HEX] KIND...
       badframes.py --list

With --spi, the ESP kinds are added: they address the inbound SA of that
SPI (NULL cipher, HMAC-SHA-256-128 with --auth-key).
Prints one JSON line: {"sent": {kind: n}, "refused": {kind: "error"}}.
A frame the kernel will not send (shorter than an Ethernet header) is
reported under "refused" with the error, never silently skipped.
"""

import argparse
import hashlib
import hmac
import json
import socket
import struct
import sys

from scapy.all import (ESP, IP, UDP, Ether, ICMP, IPOption_NOP, IPv6,
                       IPv6ExtHdrFragment, Raw, conf, fragment, raw)


def eth(a, etype):
    return bytes(Ether(dst=a.dst_mac, src=a.src_mac, type=etype))


def ip4(a, dst, **kw):
    return Ether(dst=a.dst_mac, src=a.src_mac) / IP(src=a.src4, dst=dst,
                                                    **kw)


def ip6(a, dst, **kw):
    return Ether(dst=a.dst_mac, src=a.src_mac) / IPv6(src=a.src6, dst=dst,
                                                      **kw)


def with_ip4_field(frame, off, value):
    """Patch bytes of the IPv4 header (after a 14-byte Ethernet header)
    without fixing the checksum up again."""
    b = bytearray(frame)
    b[14 + off:14 + off + len(value)] = value
    return bytes(b)


def ike_trunc(a, gw):
    # 10 bytes of a 28-byte IKE header: the SPIs do not even fit.
    return raw(ip4(a, gw) / UDP(sport=500, dport=500) / Raw(b'\x11' * 10))


def esp_null(a, dst, spi, seq, body, pad_len, nh=4, good_icv=True):
    """ESP with the NULL cipher and HMAC-SHA-256-128 (RFC 4303 2, RFC 4868)
    built by hand, so that the trailer can lie: @pad_len is written as
    is, whatever padding really precedes it."""
    esp = (struct.pack('!II', spi, seq) + body + bytes([pad_len, nh]))
    icv = hmac.new(bytes.fromhex(a.auth_key), esp, hashlib.sha256).digest()
    if not good_icv:
        icv = bytes(b ^ 0xff for b in icv)
    return raw(ip4(a, dst, proto=50) / Raw(esp + icv[:16]))


def esp_frames(a):
    """ESP-level cases against the SA of --spi (NULL + HMAC-SHA-256), two
    frames each: send them with --count 1."""
    # 28 bytes of inner packet, 2 of padding (RFC 4303 2.4: 1, 2, ...)
    # and the 2-byte trailer: 32, a multiple of 4 as 2.4 requires.
    inner = raw(IP(src='10.9.0.1', dst='10.9.0.2') / ICMP()) + b'\x01\x02'
    def two(seq, **kw):
        # Two sequence numbers, so that the second is no replay.
        return [esp_null(a, a.gw4, a.spi, q, inner, **kw)
                for q in (seq, seq + 1)]
    return {
        'esp_unknown_spi': [esp_null(a, a.gw4, 0x7777, 1, inner, 2)] * 2,
        'esp_hdr_trunc': [raw(ip4(a, a.gw4, proto=50) /
                              Raw(struct.pack('!I', a.spi) + b'\0\0'))] * 2,
        'esp_good': two(10, pad_len=2),
        'esp_replay': [esp_null(a, a.gw4, a.spi, 10, inner, 2)] * 2,
        'esp_bad_icv': two(20, pad_len=2, good_icv=False),
        'esp_pad_beyond': two(30, pad_len=250),
        'esp_nh_unknown': two(40, pad_len=2, nh=253),
        'natt_trunc': [raw(ip4(a, a.gw4) / UDP(sport=4500, dport=4500) /
                           Raw(b'\x00\x00\x10'))] * 2,
    }


def frames(a):
    """kind -> list of raw frames. Names say what is wrong; 'odd_' kinds
    are legal packets that a router must not choke on (they cross)."""
    big = raw(ip4(a, a.peer4) / UDP(sport=9, dport=9) / Raw(b'z' * 60))
    esp = ip4(a, a.gw4) / ESP(spi=0x5a5a, seq=1) / Raw(b'e' * 64)
    return {
        # Link layer.
        'eth_empty': [b''],
        'eth_trunc': [eth(a, 0x0800)[:10]],
        'eth_only_ip4': [eth(a, 0x0800)],
        'eth_unknown_type': [eth(a, 0x88b5) + b'\0' * 46],
        # IPv4 and IPv6 headers.
        'ip4_trunc': [eth(a, 0x0800) + raw(IP(src=a.src4,
                                             dst=a.peer4))[:12]],
        'ip6_trunc': [eth(a, 0x86dd) + raw(IPv6(src=a.src6,
                                               dst=a.peer6))[:30]],
        'ip4_len_over': [with_ip4_field(big, 2, b'\x05\xdc')],
        'ip6_len_over': [raw(ip6(a, a.peer6, plen=1200) /
                             UDP(sport=9, dport=9) / Raw(b'q' * 20))],
        'ip4_bad_csum': [raw(ip4(a, a.peer4, chksum=0x1234) / ICMP())],
        'ip4_ihl_short': [with_ip4_field(big, 0, b'\x44')],
        'ip4_tot_short': [with_ip4_field(big, 2, b'\x00\x0a')],
        # To the gateway itself: headers it has no service for.
        'udp4_trunc_gw': [raw(ip4(a, a.gw4, proto=17) / Raw(b'\x00\x09'))],
        'udp6_trunc_gw': [raw(ip6(a, a.gw6, nh=17) / Raw(b'\x00\x09\x00'))],
        'ike_trunc_gw': [ike_trunc(a, a.gw4)],
        'esp_trunc_gw': [raw(ip4(a, a.gw4, proto=50) / Raw(b'\0\0\x5a'))],
        'esp_gw': [raw(esp)],
        'esp_frag_gw': [raw(f) for f in fragment(esp, fragsize=32)],
        'esp_frag6_gw': [raw(ip6(a, a.gw6) / IPv6ExtHdrFragment(
            nh=50, id=9, m=1) / Raw(b'\0\0\x5a\x5a' + b'h' * 44)),
                         raw(ip6(a, a.gw6) / IPv6ExtHdrFragment(
            nh=50, id=9, offset=6) / Raw(b'i' * 16))],
        'proto253_gw4': [raw(ip4(a, a.gw4, proto=253) / Raw(b'x' * 20))],
        'nh253_gw6': [raw(ip6(a, a.gw6, nh=253) / Raw(b'x' * 20))],
        # Legal but unusual: forwarded untouched.
        'odd_ip4_options': [raw(ip4(a, a.peer4,
                                    options=[IPOption_NOP()] * 8) /
                                UDP(sport=9, dport=9) / Raw(b'o' * 20))],
        'odd_ip4_frags': [raw(f) for f in fragment(
            ip4(a, a.peer4) / UDP(sport=9, dport=9) / Raw(b'f' * 200),
            fragsize=64)],
        'odd_ip6_frag': [raw(ip6(a, a.peer6) / IPv6ExtHdrFragment(
            id=7, m=1) / Raw(b'g' * 48))],
        'odd_proto253': [raw(ip4(a, a.peer4, proto=253) / Raw(b'u' * 30))],
        'odd_max_frame': [raw(ip4(a, a.peer4) / UDP(sport=9, dport=9) /
                              Raw(b'm' * 1472))],
    }


def main():
    p = argparse.ArgumentParser()
    for opt in ('iface', 'dst-mac', 'src4', 'src6', 'gw4', 'gw6', 'peer4',
                'peer6'):
        p.add_argument('--' + opt)
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--spi', type=lambda v: int(v, 0))
    p.add_argument('--auth-key')
    p.add_argument('--list', action='store_true')
    p.add_argument('kinds', nargs='*')
    a = p.parse_args()
    if a.list:
        a.dst_mac = a.src_mac = '02:00:00:00:00:01'
        a.src4 = a.gw4 = a.peer4 = '192.0.2.1'
        a.src6 = a.gw6 = a.peer6 = '2001:db8::1'
        a.spi, a.auth_key = 0x1001, '00' * 32
        corpus = frames(a)
        corpus.update(esp_frames(a))
        print(json.dumps({k: len(v) for k, v in corpus.items()}))
        return 0
    with open(f'/sys/class/net/{a.iface}/address', encoding='ascii') as f:
        a.src_mac = f.read().strip()
    conf.verb = 0
    corpus = frames(a)
    if a.spi is not None:
        corpus.update(esp_frames(a))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    sent, refused = {}, {}
    for kind in a.kinds or corpus:
        for _ in range(a.count):
            for fr in corpus[kind]:
                try:
                    s.send(fr)
                    sent[kind] = sent.get(kind, 0) + 1
                except OSError as e:
                    refused[kind] = e.strerror
    s.close()
    print(json.dumps({'sent': sent, 'refused': refused}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
