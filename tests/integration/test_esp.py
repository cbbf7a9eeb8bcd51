#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ESP through mifgw's worker pipeline, against scapy as the peer.

usage: test_esp.py MIFGW SCENARIO     (meson registers one test each)
       test_esp.py --list

Topology (harness.py): lan client = the protected server/client, wan
client = the ESP peer. The peer is scapy's SecurityAssociation, driven
from this process through AF_PACKET sockets opened inside the client
namespaces (scapy only builds and parses bytes; it never picks
interfaces). One gateway start carries every SA of the scenario.

Where scapy 2.5 and RFC 4303 disagree (ESN with HMAC), the ICV is made
and checked here with Python's hmac, from the RFC definition.
"""

import ctypes
import hashlib
import hmac
import os
import select
import socket
import struct
import subprocess
import sys
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import ICMP, IP, IPv6, UDP, Raw, defragment, raw
from scapy.layers.inet6 import (ICMPv6EchoReply, ICMPv6EchoRequest,
                                 ICMPv6PacketTooBig)
from scapy.layers.ipsec import ESP, SecurityAssociation

from harness import SIDES, HarnessError, Topology, log

LAN, WAN = SIDES['lan'], SIDES['wan']
CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

failures = []


def check(cond, what):
    print(f'{"ok  " if cond else "FAIL"} {what}', flush=True)
    if not cond:
        failures.append(what)
    return cond


# name: (mode, outer family, inner family, natt, cipher, esn, peer net)
# Keys are per SA pair and fixed: this is a test, the keys are public.
SAS = {
    't4': ('tunnel', 4, 4, False, 'aes-gcm-128', False, '10.9.0.0/24'),
    't6': ('tunnel', 6, 6, False, 'aes-gcm-256', False, '2001:db8:9::/64'),
    'x46': ('tunnel', 6, 4, False, 'aes-cbc-128', False, '10.8.0.0/24'),
    'x46e': ('tunnel', 6, 4, False, 'aes-cbc-128', True, '10.6.0.0/24'),
    'n4': ('tunnel', 4, 4, True, 'aes-gcm-128', True, '10.7.0.0/24'),
    # Transport: the gateway itself is the endpoint (the host stack
    # behind the exception tap answers); the "net" is the peer itself.
    'tr4': ('transport', 4, 4, False, 'aes-gcm-128', False,
            WAN['cl4'] + '/32'),
    'tr6': ('transport', 6, 6, False, 'aes-cbc-128', True,
            WAN['cl6'] + '/128'),
    # Last, so that the SPIs of the SAs above stay what they were.
    'x64': ('tunnel', 4, 6, False, 'aes-gcm-128', True, '2001:db8:8::/64'),
}
TUNNELS = ['t4', 't6', 'x46', 'x46e', 'n4', 'x64']
FRAGMENT = ('t4', 'x46')      # RFC 4301 8.1: non-DF IPv4 is fragmented
TRANSPORTS = ['tr4', 'tr6']
ECHO_PORT = 7777
KEYLEN = {'aes-gcm-128': 16, 'aes-gcm-256': 32, 'aes-cbc-128': 16}


def keys(name, direction):
    seed = hashlib.sha256(f'{name}/{direction}'.encode()).digest()
    k = hashlib.sha512(seed).digest()
    return {'key': k[:KEYLEN[SAS[name][4]]], 'salt': k[32:36],
            'auth_key': k[:32][::-1]}


def spi(name, direction):
    base = 0x1000 * (list(SAS).index(name) + 1)
    return base + (1 if direction == 'in' else 2)


def addrs(name):
    fam = SAS[name][1]
    return ((WAN['gw4'], WAN['cl4']) if fam == 4
            else (WAN['gw6'], WAN['cl6']))


def peer_host(name, i=5):
    net = SAS[name][6]
    return net.split('/')[0][:-1] + str(i) if SAS[name][2] == 4 else \
        net.split('/')[0] + f'{i:x}'


def lan_host(name):
    return LAN['cl4'] if SAS[name][2] == 4 else LAN['cl6']


def sa_config(name, direction):
    mode, _, ifam, natt, cipher, esn, _ = SAS[name]
    local, remote = addrs(name)
    k = keys(name, direction)
    lines = [f'name = "{name}_{direction}"; spi = {spi(name, direction)};',
             f'dir = "{direction}"; mode = "{mode}";',
             f'local = "{local}"; remote = "{remote}";',
             f'cipher = "{cipher}"; key = "{k["key"].hex()}";']
    if 'gcm' in cipher:
        lines.append(f'salt = "{k["salt"].hex()}";')
    else:
        lines.append(f'auth = "hmac-sha256-128"; '
                     f'auth_key = "{k["auth_key"].hex()}";')
    lines.append(f'esn = {"true" if esn else "false"};')
    if natt:
        lines.append('encap = "udp";')
    if name in FRAGMENT and direction == 'out':
        lines.append('fragment = true;')
    if name == 'n4' and direction == 'out':
        # Reached by the 5 packets of outbound(): one NOTICE line.
        lines.append('soft = { packets = 3; }; hard = { packets = 1000; };')
    return '  { ' + '\n    '.join(lines) + ' }'


def policies(names):
    out = []
    for name in names:
        mode, _, ifam, _, _, _, net = SAS[name]
        lan = '192.0.2.0/24' if ifam == 4 else '2001:db8:1::/64'
        proto = ''
        if mode == 'transport':
            # All traffic between the two hosts (UDP echo, ping).
            lan = addrs(name)[0] + ('/32' if ifam == 4 else '/128')
            proto = ''
        out.append(f'  {{ dir = "out"; src = "{lan}"; dst = "{net}"; '
                   f'{proto}action = "protect"; sa = "{name}_out"; }}')
        out.append(f'  {{ dir = "in"; src = "{net}"; dst = "{lan}"; '
                   f'{proto}action = "protect"; sa = "{name}_in"; }}')
    # Everything else from the protected side is forwarded in clear.
    for any_ in ('0.0.0.0/0', '::/0'):
        out.append(f'  {{ dir = "out"; src = "{any_}"; dst = "{any_}"; '
                   f'priority = 1000; action = "bypass"; }}')
    return out


def extra_config(names, tap=None):
    sas = [sa_config(n, d) for n in names for d in ('in', 'out')]
    text = ('sas = (\n' + ',\n'.join(sas) + '\n);\npolicies = (\n' +
            ',\n'.join(policies(names)) + '\n);\n')
    if tap:
        text += f'exception = {{ dev = "net_tap0,iface={tap}"; }};\n'
    return text


# ---- the peer's ESP ---------------------------------------------------

def scapy_sa(name, direction, hi=0, with_auth=True):
    mode, ofam, _, natt, cipher, esn, _ = SAS[name]
    k = keys(name, direction)
    gw, peer = addrs(name)
    src, dst = (peer, gw) if direction == 'in' else (gw, peer)
    kw = {}
    if 'gcm' in cipher:
        kw.update(crypt_algo='AES-GCM', crypt_key=k['key'] + k['salt'])
    else:
        kw.update(crypt_algo='AES-CBC', crypt_key=k['key'])
        if with_auth:
            kw.update(auth_algo='SHA2-256-128', auth_key=k['auth_key'])
    if mode == 'tunnel':
        kw['tunnel_header'] = (IP(src=src, dst=dst) if ofam == 4
                               else IPv6(src=src, dst=dst))
    if natt:
        kw['nat_t_header'] = UDP(sport=4500, dport=4500)
    return SecurityAssociation(ESP, spi=spi(name, direction), esn_en=esn,
                               esn=hi, **kw)


def esp_offset(b):
    if b[0] >> 4 == 4:
        off, proto = (b[0] & 0x0F) * 4, b[9]
    else:
        off, proto = 40, b[6]
    return off + (8 if proto == 17 else 0)


def set_lengths(b):
    """Outer IP (and UDP) lengths and the IPv4 checksum after a change."""
    b = bytearray(b)
    if b[0] >> 4 == 4:
        ihl = (b[0] & 0x0F) * 4
        struct.pack_into('!HH', b, 2, len(b), 0)
        if b[9] == 17:
            struct.pack_into('!HH', b, ihl + 4, len(b) - ihl, 0)
        b[10:12] = b'\0\0'
        s = sum(struct.unpack(f'!{ihl // 2}H', bytes(b[:ihl])))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        struct.pack_into('!H', b, 10, ~s & 0xFFFF)
    else:
        struct.pack_into('!H', b, 4, len(b) - 40)
        if b[6] == 17:
            struct.pack_into('!H', b, 44, len(b) - 40)
    return bytes(b)


def esn_icv(name, direction, esp, hi):
    """RFC 4303 2.2.1: the ESN high half enters the HMAC (scapy 2.5
    leaves it out)."""
    key = keys(name, direction)['auth_key']
    return hmac.new(key, esp + struct.pack('!I', hi),
                    hashlib.sha256).digest()[:16]


def cbc_esn(name):
    return SAS[name][5] and 'cbc' in SAS[name][4]


def peer_encrypt(name, inner, seq, hi=0):
    sa = scapy_sa(name, 'in', hi, with_auth=not cbc_esn(name))
    b = raw(sa.encrypt(inner, seq_num=seq))
    if cbc_esn(name):
        b += esn_icv(name, 'in', b[esp_offset(b):], hi)
    return set_lengths(b)


def peer_decrypt(name, b, hi=0):
    ofam, natt = SAS[name][1], SAS[name][3]
    if natt:
        ihl = (b[0] & 0x0F) * 4
        check(b[9] == 17 and b[ihl:ihl + 4] == b'\x11\x94\x11\x94' and
              b[ihl + 6:ihl + 8] == b'\0\0',
              f'{name}: UDP 4500->4500, checksum 0 (RFC 3948 2.1)')
        ip = bytearray(b[:ihl])
        ip[9] = 50
        b = set_lengths(bytes(ip) + b[ihl + 8:])
    if cbc_esn(name):
        off = esp_offset(b)
        check(hmac.compare_digest(b[-16:], esn_icv(name, 'out',
                                                   b[off:-16], hi)),
              f'{name}: RFC 4303 ESN ICV of mifgw')
        b = set_lengths(b[:-16])
    sa = scapy_sa(name, 'out', hi, with_auth=not cbc_esn(name))
    return sa.decrypt(IP(b) if ofam == 4 else IPv6(b))


def inner_udp(src, dst, payload, sport=4000, dport=5000):
    l3 = IP(src=src, dst=dst, ttl=32) if ':' not in src else \
        IPv6(src=src, dst=dst, hlim=32)
    return l3 / UDP(sport=sport, dport=dport) / Raw(payload)


# ---- raw sockets inside the namespaces --------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    # Python 3.11 has no os.setns; a socket keeps the namespace it was
    # made in, so the thread goes there only for socket() and bind().
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns')


def ns_socket(ns, ifname=None, udp_port=None, v6=False):
    """An AF_PACKET socket on ifname, or a UDP socket bound to udp_port,
    made inside namespace ns."""
    own = os.open('/proc/self/ns/net', os.O_RDONLY)
    fd = os.open(f'/run/netns/{ns}', os.O_RDONLY)
    try:
        setns(fd)
        if udp_port is not None:
            s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
                              socket.SOCK_DGRAM)
            if v6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind(('::' if v6 else '0.0.0.0', udp_port))
        else:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(ETH_P_ALL))
            s.bind((ifname, 0))
    finally:
        setns(own)
        os.close(fd)
        os.close(own)
    return s


class Link:
    """One client veth: send frames, collect received ones."""

    def __init__(self, t, side):
        self.sock = ns_socket(t.ns[side], t.cl_if[side])
        self.mac = t.mac('client', side)
        self.gw_mac = t.mac('gw', side)

    def send_ip(self, b):
        et = 0x0800 if b[0] >> 4 == 4 else 0x86DD
        self.sock.send(bytes.fromhex(self.gw_mac.replace(':', '')) +
                       bytes.fromhex(self.mac.replace(':', '')) +
                       struct.pack('!H', et) + b)

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv(65535)

    def collect(self, pred, want, timeout=3.0):
        """IP packets (bytes) received, matching pred, until want."""
        got, end = [], time.monotonic() + timeout
        while len(got) < want and time.monotonic() < end:
            if not select.select([self.sock], [], [],
                                 max(0, end - time.monotonic()))[0]:
                break
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING or len(data) < 14:
                continue
            et = struct.unpack('!H', data[12:14])[0]
            if et in (0x0800, 0x86DD) and pred(data[14:]):
                got.append(data[14:])
        return got


def is_esp_from_gw(name):
    gw, _ = addrs(name)
    fam = SAS[name][1]
    want = spi(name, 'out')

    def pred(b):
        try:
            p = IP(b) if fam == 4 else IPv6(b)
        except Exception:               # noqa: BLE001 - any junk frame
            return False
        if p.src != gw:
            return False
        off = esp_offset(b)
        if (fam == 4 and b[9] not in (50, 17)) or \
                (fam == 6 and b[6] not in (50, 17)):
            return False
        return len(b) >= off + 8 and \
            struct.unpack('!I', b[off:off + 4])[0] == want
    return pred


def is_udp_to(dst, dport):
    def pred(b):
        try:
            p = IP(b) if b[0] >> 4 == 4 else IPv6(b)
        except Exception:               # noqa: BLE001
            return False
        return p.dst == dst and UDP in p and p[UDP].dport == dport
    return pred


# ---- checks -----------------------------------------------------------

def sa_ctr(c, sa, what):
    for line in c['other'].get('sa', []):
        f = line.split()
        if len(f) == 3 and f[0] == sa and f[1] == what:
            return int(f[2])
    return 0


def drop_ctr(c, what):
    return c['drop'].get(what, 0)


def inbound(t, lan, wan, name, n=5, seq0=1, hi=0):
    """scapy encrypts n packets; the lan side must get the clear ones."""
    src, dst = peer_host(name), lan_host(name)
    dport = 5100 + list(SAS).index(name)
    lan.drain()
    sent = []
    for i in range(n):
        pay = f'{name} in {seq0 + i}'.encode() * 3
        inner = inner_udp(src, dst, pay, dport=dport)
        sent.append(pay)
        wan.send_ip(peer_encrypt(name, inner, seq0 + i, hi))
    got = lan.collect(is_udp_to(dst, dport), n)
    pays = [bytes((IP(b) if b[0] >> 4 == 4 else IPv6(b))[UDP].payload)
            for b in got]
    check(pays == sent, f'{name}: {n} packets from scapy decrypted and '
          f'forwarded to {dst} ({len(got)} arrived, payloads equal)')
    if got:
        p = IP(got[0]) if got[0][0] >> 4 == 4 else IPv6(got[0])
        check(p.src == src, f'{name}: inner source {p.src} kept')
    return len(got)


def outbound(t, lan, wan, name, n=5, hi=0):
    """lan sends clear; scapy must decrypt mifgw's ESP."""
    src, dst = lan_host(name), peer_host(name)
    wan.drain()
    sent, inners = [], []
    for i in range(n):
        pay = f'{name} out {i}'.encode() * 4
        sent.append(pay)
        inners.append(raw(inner_udp(src, dst, pay, dport=6000)))
        lan.send_ip(inners[-1])
    got = wan.collect(is_esp_from_gw(name), n)
    pays, seqs = [], []
    for b in got:
        seqs.append(struct.unpack('!I', b[esp_offset(b) + 4:
                                          esp_offset(b) + 8])[0])
        try:
            p = peer_decrypt(name, b, hi)
            pays.append(bytes(p[UDP].payload))
        except Exception as e:          # noqa: BLE001 - report any failure
            check(False, f'{name}: scapy cannot decrypt: {e!r}')
    check(pays == sent, f'{name}: {n} clear packets encrypted by mifgw, '
          f'decrypted by scapy ({len(got)} ESP, {len(pays)} decrypted)')
    # The gateway forwards the inner packet: TTL / hop limit one lower.
    fwd = []
    for b in inners:
        p = IP(b) if b[0] >> 4 == 4 else IPv6(b)
        if p.version == 4:
            p.ttl -= 1
            del p.chksum
        else:
            p.hlim -= 1
        fwd.append(raw(p))
    if got:
        p = peer_decrypt(name, got[0])
        ttl = p.ttl if p.version == 4 else p.hlim
        check(ttl == 31, f'{name}: inner TTL/hop limit 32 -> {ttl}')
    TSHARK.append((name, got, fwd))
    return got, seqs


TSHARK = []     # (SA name, mifgw's ESP packets, the clear inner packets)
TSHARK_ENC = {'aes-gcm-128': 'AES-GCM with 16 octet ICV [RFC4106]',
              'aes-gcm-256': 'AES-GCM with 16 octet ICV [RFC4106]',
              'aes-cbc-128': 'AES-CBC [RFC3602]'}


def tshark_check():
    """tshark, given the keys through its esp_sa table, decodes mifgw's
    output: the decrypted data is the inner packet, RFC 4303 padding
    1, 2, 3, ..., pad length and next header, and no ICV is called bad.
    tshark knows no ESN, so ESN SAs and NAT-T (which tshark's ESP
    dissector reaches only with the udp.udp_encap heuristic) are left
    out."""
    frames, want, uat = [], [], []
    for name, got, inners in TSHARK:
        mode, ofam, ifam, natt, cipher, esn, _ = SAS[name]
        if esn or natt or mode != 'tunnel':
            continue
        k = keys(name, 'out')
        gw, peer = addrs(name)
        key = k['key'] + (k['salt'] if 'gcm' in cipher else b'')
        auth = ('"HMAC-SHA-256-128 [RFC4868]","0x%s"' % k['auth_key'].hex()
                if 'cbc' in cipher else '"NULL",""')
        uat.append('"IPv%d","%s","%s","0x%08x","%s","0x%s",%s' % (
            ofam, gw, peer, spi(name, 'out'), TSHARK_ENC[cipher],
            key.hex(), auth))
        blk = 16 if 'cbc' in cipher else 4
        for b, inner in zip(got, inners):
            et = b'\x08\x00' if ofam == 4 else b'\x86\xdd'
            frames.append(b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01' + et + b)
            pad = (blk - (len(inner) + 2) % blk) % blk
            want.append((name, inner + bytes(range(1, pad + 1)) +
                         bytes([pad, 4 if ifam == 4 else 41])))
    path = f'/tmp/mift-esp-{os.getpid()}.pcap'
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            f.write(struct.pack('<IIII', 0, 0, len(fr), len(fr)) + fr)
    args = ['tshark', '-r', path, '-o', 'esp.enable_encryption_decode:TRUE',
            '-o', 'esp.enable_authentication_check:TRUE', '-T', 'fields',
            '-e', 'esp.decrypted_data', '-e', 'esp.icv_good',
            '-e', 'esp.icv_bad']
    for u in uat:
        args += ['-o', 'uat:esp_sa:' + u]
    try:
        out = subprocess.run(args, capture_output=True, text=True,
                             timeout=60)
    finally:
        os.unlink(path)
    lines = out.stdout.splitlines()
    check(len(lines) == len(want) and len(want) >= 15,
          f'tshark decoded {len(lines)} of {len(want)} ESP packets of mifgw '
          f'{out.stderr[-200:]}')
    for ln, (name, w) in zip(lines, want):
        f = ln.split('\t')
        check(f[0] == w.hex(), f'tshark {name}: decrypted data is the inner '
              f'packet + RFC 4303 trailer')
        check(len(f) < 3 or f[2] != '1', f'tshark {name}: ICV not bad')
        if 'gcm' in SAS[name][4]:
            check(len(f) > 1 and f[1] == '1', f'tshark {name}: ICV good')


def gcm_manual(name, seq, plain, pad, nh):
    """ESP by hand (RFC 4106) with chosen padding: for the bad-pad case."""
    k = keys(name, 'in')
    iv = struct.pack('!Q', seq)
    body = plain + pad + bytes([len(pad), nh])
    hdr = struct.pack('!II', spi(name, 'in'), seq)
    ct = AESGCM(k['key']).encrypt(k['salt'] + iv, body, hdr)
    gw, peer = addrs(name)
    ip = raw(IP(src=peer, dst=gw, proto=50))
    return set_lengths(ip + hdr + iv + ct)


def tamper(t, lan, wan):
    """t4: each bad packet dropped under its own counter; the SA goes on."""
    name, sa = 't4', 't4_in'
    src, dst = peer_host(name), lan_host(name)
    mk = lambda s: peer_encrypt(name, inner_udp(  # noqa: E731
        src, dst, b'tamper %d' % s, dport=5999), s)
    b0 = t.counters()
    wan.send_ip(mk(100))                        # good, moves the window
    wan.send_ip(mk(100))                        # replayed
    bad = bytearray(mk(101))
    bad[esp_offset(bad) + 8 + 8 + 2] ^= 0x01    # one ciphertext bit
    wan.send_ip(bytes(bad))
    short = mk(102)
    wan.send_ip(set_lengths(short[:esp_offset(short) + 12]))  # cut short
    inner = raw(inner_udp(src, dst, b'pad', dport=5999))
    wan.send_ip(gcm_manual(name, 103, inner, b'\x01\x02\x07', 4))
    unk = bytearray(mk(104))
    struct.pack_into('!I', unk, esp_offset(unk), 0x0BADBEEF)
    wan.send_ip(bytes(unk))
    # Valid ESP of t4, but the inner source is x46's network: RFC 4301
    # 5.2 refuses it after decryption.
    wan.send_ip(peer_encrypt(name, inner_udp(peer_host('x46'), dst,
                                             b'outside', dport=5999), 110))
    # RFC 3948 2.3 NAT keepalive to the gateway.
    wan.send_ip(raw(IP(src=WAN['cl4'], dst=WAN['gw4']) /
                    UDP(sport=4500, dport=4500) / b'\xff'))
    lan.drain()
    wan.send_ip(mk(105))                        # the SA still works
    got = lan.collect(is_udp_to(dst, 5999), 1)
    time.sleep(0.3)
    b1 = t.counters()
    d = lambda w: sa_ctr(b1, sa, w) - sa_ctr(b0, sa, w)  # noqa: E731
    check(d('replay') == 1, f'{sa}: replayed packet counted as replay '
          f'({d("replay")})')
    check(d('auth') == 1, f'{sa}: flipped bit counted as auth ({d("auth")})')
    check(d('bad_len') == 1, f'{sa}: cut packet counted as bad_len '
          f'({d("bad_len")})')
    check(d('bad_pad') == 1, f'{sa}: bad padding counted as bad_pad '
          f'({d("bad_pad")})')
    check(d('policy') == 1, f'{sa}: inner packet outside the SA\'s '
          f'selectors counted as policy ({d("policy")})')
    ka = drop_ctr(b1, 'natt_keepalive') - drop_ctr(b0, 'natt_keepalive')
    check(ka == 1, f'NAT keepalive counted as natt_keepalive ({ka})')
    nosa = drop_ctr(b1, 'no_sa') - drop_ctr(b0, 'no_sa')
    check(nosa == 1, f'unknown SPI counted as no_sa ({nosa})')
    # The SA counts what its ICV verified: the two good packets and the
    # one the 5.2 check refused afterwards (also under policy).
    check(d('packets') == 3, f'{sa}: the three authentic packets counted '
          f'({d("packets")})')
    check(len(got) == 1 and b'tamper 105' in got[0],
          f'{sa}: a good packet after the bad ones still gets through')
    esp_sa = drop_ctr(b1, 'esp_sa') - drop_ctr(b0, 'esp_sa')
    check(esp_sa == 5, f'gateway drop esp_sa rose by the 5 SA drops '
          f'({esp_sa})')


def policy_checks(t, lan, wan):
    """Clear traffic from the peer's network is refused (policy_clear);
    unknown clear traffic to the protected side: DISCARD by default."""
    b0 = t.counters()
    wan.send_ip(raw(inner_udp(WAN['cl4'], LAN['cl4'], b'x', dport=7000)))
    wan.send_ip(raw(inner_udp(peer_host('t4'), LAN['cl4'], b'x',
                              dport=7000)))
    time.sleep(0.5)
    b1 = t.counters()
    dd = lambda w: drop_ctr(b1, w) - drop_ctr(b0, w)  # noqa: E731
    check(dd('policy_discard') == 1,
          f'clear wan -> lan with no policy: policy_discard '
          f'({dd("policy_discard")}), fail closed')
    check(dd('policy_clear') == 1,
          f'clear packet covered by a protect policy: policy_clear '
          f'({dd("policy_clear")})')


def esp_room(name):
    """Outer header, UDP, SPI+sequence, IV and ICV of an SA."""
    _, ofam, _, natt, cipher, _, _ = SAS[name]
    return (20 if ofam == 4 else 40) + (8 if natt else 0) + 8 + \
        (8 if 'gcm' in cipher else 16) + 16


def esp_align(name):
    return 4 if 'gcm' in SAS[name][4] else 16


def inner_mtu(name, port_mtu=1500):
    """RFC 4301 8.1/8.2: the largest inner packet whose ESP fits."""
    return (port_mtu - esp_room(name)) // esp_align(name) * \
        esp_align(name) - 2


def sized_udp(name, total, dport, df=True, fill=b'm'):
    src, dst = lan_host(name), peer_host(name)
    hdr = 28 if SAS[name][2] == 4 else 48
    pay = (fill * total)[:total - hdr]
    p = inner_udp(src, dst, pay, dport=dport)
    if SAS[name][2] == 4:
        p[IP].flags = 'DF' if df else 0
        p[IP].id = 0x4242
    return raw(p)


def frag_checks(t, lan, wan):
    """A non-DF IPv4 packet over the inner MTU, on an SA with
    fragment = true, leaves as ESP fragments that scapy decrypts and
    reassembles; on an SA without it (n4) it is dropped as mtu_exceeded
    (no ICMP: the sender did not ask for path MTU discovery)."""
    before = t.counters()
    for name in FRAGMENT:
        mtu = inner_mtu(name)
        total = 1480
        b = sized_udp(name, total, 6002, df=False, fill=bytes(range(256)))
        wan.drain()
        lan.send_ip(b)
        esp = wan.collect(is_esp_from_gw(name), 2)
        frags = []
        for e in esp:
            try:
                frags.append(peer_decrypt(name, e))
            except Exception as ex:     # noqa: BLE001
                check(False, f'{name}: scapy cannot decrypt a fragment: '
                      f'{ex!r}')
        sizes = [len(raw(f)) for f in frags]
        check(len(frags) == 2 and max(sizes) <= mtu,
              f'{name}: {total}-byte non-DF packet sent as 2 fragments '
              f'of at most {mtu} bytes ({sizes})')
        whole = defragment(frags) if frags else []
        p = whole[0] if whole else None
        ok = p is not None and UDP in p and \
            raw(p[UDP].payload) == raw(IP(b)[UDP].payload)
        check(ok, f'{name}: fragments decrypted by scapy reassemble to '
              'the packet sent')
    after = t.counters()
    d = ctl_ctr(after, 'esp_fragmented') - ctl_ctr(before, 'esp_fragmented')
    check(d == len(FRAGMENT), f'ctl esp_fragmented rose by {d} == '
          f'{len(FRAGMENT)}')
    lan.drain()
    wan.drain()
    lan.send_ip(sized_udp('n4', 1480, 6002, df=False))
    got = lan.collect(is_too_big(lan_host('n4')), 1, timeout=1.0)
    esp = wan.collect(is_esp_from_gw('n4'), 1, timeout=0.5)
    c = t.counters()
    d = drop_ctr(c, 'mtu_exceeded') - drop_ctr(after, 'mtu_exceeded')
    check(not got and not esp and d == 1,
          f'n4 (no fragment key): non-DF packet over the inner MTU '
          f'dropped as mtu_exceeded ({d}), no ICMP ({len(got)}), no ESP '
          f'({len(esp)})')


def ctl_ctr(c, what):
    for line in c['other'].get('ctl', []):
        f = line.split()
        if len(f) == 2 and f[0] == what:
            return int(f[1])
    return 0


def is_too_big(dst):
    def pred(b):
        try:
            p = IP(b) if b[0] >> 4 == 4 else IPv6(b)
        except Exception:               # noqa: BLE001
            return False
        if p.dst != dst:
            return False
        if p.version == 4:
            return ICMP in p and p[ICMP].type == 3 and p[ICMP].code == 4
        return ICMPv6PacketTooBig in p
    return pred


def mtu_checks(t, lan, wan):
    """A DF (or IPv6) inner packet one byte over the SA's inner MTU
    gets ICMP with that MTU; one of exactly the inner MTU is encrypted
    into an outer packet of the port MTU."""
    before = t.counters()
    for name in ('t4', 't6', 'x46', 'n4', 'x64'):
        mtu = inner_mtu(name)
        lan.drain()
        lan.send_ip(sized_udp(name, mtu + 1, 6001))
        got = lan.collect(is_too_big(lan_host(name)), 1)
        seen = None
        if got:
            p = IP(got[0]) if got[0][0] >> 4 == 4 else IPv6(got[0])
            seen = p[ICMP].nexthopmtu if p.version == 4 else \
                p[ICMPv6PacketTooBig].mtu
        check(seen == mtu, f'{name}: {mtu + 1}-byte DF inner packet: '
              f'ICMP too big with MTU {mtu} (got {seen})')
        wan.drain()
        lan.send_ip(sized_udp(name, mtu, 6001))
        esp = wan.collect(is_esp_from_gw(name), 1)
        size = len(esp[0]) if esp else None
        # CBC fills the port only to its 16-byte block (x46: 1488).
        want = 1500 - (1500 - esp_room(name)) % esp_align(name)
        check(size == want, f'{name}: {mtu}-byte inner packet encrypted '
              f'into a {size}-byte outer packet (want {want}, MTU 1500)')
    after = t.counters()
    d = drop_ctr(after, 'mtu_exceeded') - drop_ctr(before, 'mtu_exceeded')
    check(d == 5, f'drop mtu_exceeded rose by {d} == 5')


def tunnels(t):
    lan, wan = Link(t, 'lan'), Link(t, 'wan')
    # Listeners on the server, so its kernel sends no port unreachable:
    # such errors would match the outbound policies and be encrypted
    # too (correctly), which would upset the counts below.
    keep = [ns_socket(t.ns['lan'], udp_port=p, v6=v6)
            for p in [5100 + i for i in range(len(SAS))] + [5999, 7000]
            for v6 in (False, True)]
    # Let the gateway learn both clients first (ARP/ND through ping).
    t.ping('lan', LAN['gw4'], count=1)
    t.ping('wan', WAN['gw4'], count=1)
    t.ping('wan', WAN['gw6'], count=1)
    t.ping('lan', LAN['gw6'], count=1)
    for name in TUNNELS:
        hi = 0
        inbound(t, lan, wan, name, hi=hi)
        got, seqs = outbound(t, lan, wan, name)
        # The first outbound packet may wait for ND/ARP of the peer.
        check(seqs == list(range(1, len(seqs) + 1)) and len(seqs) == 5,
              f'{name}: outbound sequence numbers 1..5 ({seqs})')
    time.sleep(0.3)
    c = t.counters()
    for name in TUNNELS:
        check(sa_ctr(c, f'{name}_in', 'packets') == 5,
              f'{name}_in: packets counter 5 '
              f'({sa_ctr(c, f"{name}_in", "packets")})')
        check(sa_ctr(c, f'{name}_out', 'packets') == 5,
              f'{name}_out: packets counter 5 '
              f'({sa_ctr(c, f"{name}_out", "packets")})')
    tamper(t, lan, wan)
    policy_checks(t, lan, wan)
    tshark_check()
    mtu_checks(t, lan, wan)
    frag_checks(t, lan, wan)
    ev = [ln for ln in t.stderr().splitlines() if 'SA n4_out' in ln]
    check(len(ev) == 1 and 'soft lifetime reached' in ev[0],
          f'soft packet lifetime of n4_out logged once: {ev}')
    for s in keep:
        s.close()


ECHO = '''
import socket, select
ss = []
for fam, a in ((socket.AF_INET, '0.0.0.0'), (socket.AF_INET6, '::')):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((a, %d))
    ss.append(s)
print('ready', flush=True)
while True:
    for s in select.select(ss, [], [])[0]:
        d, peer = s.recvfrom(65535)
        s.sendto(b'echo:' + d, peer)
''' % ECHO_PORT


def endpoint_setup(t, tap):
    """The host side of the exception tap in the gateway namespace: our
    wan addresses, no ARP/ND (the tap frames go to mifgw whatever their
    MAC), and a UDP echo service."""
    ns = t.ns['gw']
    for _ in range(50):
        if t.client('gw', ['ip', 'link', 'show', tap],
                    check=False).returncode == 0:
            break
        time.sleep(0.1)
    t.client('gw', ['sysctl', '-qw', f'net.ipv6.conf.{tap}.disable_ipv6=0'])
    # The veths mifgw reads with af_packet also feed this namespace's
    # kernel, which now owns our wan address (a real NIC would be bound
    # to DPDK alone): strict reverse-path filtering drops what arrives
    # there, since the way back to the peers is the tap.
    t.client('gw', ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1'])
    for side in ('lan', 'wan'):
        t.client('gw', ['sysctl', '-qw',
                        f'net.ipv4.conf.{t.gw_if[side]}.rp_filter=1'])
    t.client('gw', ['ethtool', '-K', tap, 'tx', 'off'], check=False)
    t.client('gw', ['ip', 'link', 'set', tap, 'arp', 'off', 'up'])
    t.client('gw', ['ip', 'addr', 'add', WAN['gw4'] + '/32', 'dev', tap])
    t.client('gw', ['ip', '-6', 'addr', 'add', WAN['gw6'] + '/128', 'dev',
                    tap, 'nodad'])
    t.client('gw', ['ip', 'route', 'add', '198.51.100.0/24', 'dev', tap])
    t.client('gw', ['ip', '-6', 'route', 'add', '2001:db8:2::/64', 'dev',
                    tap])
    p = t.helper('gw', ['/usr/bin/python3', '-c', ECHO])
    check(p.stdout.readline().strip() == 'ready', 'UDP echo service up')
    log(f'exception tap {tap} configured in {ns}')


def is_esp_spi(name):
    return is_esp_from_gw(name)


def endpoint(t, tap):
    """Transport mode with the gateway itself as the endpoint: scapy
    sends UDP to the gateway's address in ESP; mifgw decrypts and hands
    it to the host stack behind the exception tap; the echo service's
    answer comes back through the tap, meets the outbound SPD and leaves
    in ESP, which scapy decrypts."""
    endpoint_setup(t, tap)
    lan, wan = Link(t, 'lan'), Link(t, 'wan')
    t.ping('wan', WAN['gw4'], count=1)
    t.ping('wan', WAN['gw6'], count=1)
    n = 4
    for name in TRANSPORTS:
        gw, peer = addrs(name)
        wan.drain()
        sent = []
        for i in range(n):
            pay = f'{name} host {i}'.encode()
            sent.append(b'echo:' + pay)
            inner = inner_udp(peer, gw, pay, sport=40000 + i,
                              dport=ECHO_PORT)
            wan.send_ip(peer_encrypt(name, inner.__class__(raw(inner)),
                                     i + 1))
        got = wan.collect(is_esp_from_gw(name), n, timeout=5)
        pays = []
        for b in got:
            try:
                p = peer_decrypt(name, b)
                if UDP not in p:
                    log(f'{name}: host also sent {p.summary()}')
                    continue
                pays.append(bytes(p[UDP].payload))
                check(p.src == gw and p.dst == peer and
                      p[UDP].sport == ECHO_PORT,
                      f'{name}: transport answer {gw} -> {peer}')
            except Exception as e:      # noqa: BLE001
                check(False, f'{name}: scapy cannot decrypt: {e!r}')
        check(sorted(pays) == sorted(sent),
              f'{name}: {n} UDP packets to the host in ESP, {len(pays)} '
              f'answers back in ESP decrypted by scapy')
    # ICMP echo in ESP to the gateway: the host answers, in ESP.
    for name in TRANSPORTS:
        gw, peer = addrs(name)
        fam = SAS[name][1]
        wan.drain()
        icmp = (IP(src=peer, dst=gw) / ICMP(id=77, seq=1) / b'ping-esp'
                if fam == 4 else
                IPv6(src=peer, dst=gw) / ICMPv6EchoRequest(id=77, seq=1,
                                                           data=b'ping-esp'))
        wan.send_ip(peer_encrypt(name, icmp.__class__(raw(icmp)), n + 1))
        got = wan.collect(is_esp_from_gw(name), 1, timeout=3)
        ok = False
        if got:
            p = peer_decrypt(name, got[0])
            ok = (fam == 4 and ICMP in p and p[ICMP].type == 0) or \
                (fam == 6 and ICMPv6EchoReply in p)
        check(ok, f'{name}: echo request in ESP answered in ESP by the '
              f'host ({len(got)} ESP packets)')
    time.sleep(0.3)
    c = t.counters()
    for name in TRANSPORTS:
        for d in ('in', 'out'):
            v = sa_ctr(c, f'{name}_{d}', 'packets')
            check(v == n + 1, f'{name}_{d}: packets counter {n + 1} '
                  f'({v})')
    tx = c['port'].get('exception', {}).get('tx', 0)
    rx = c['port'].get('exception', {}).get('rx', 0)
    check(tx >= 2 * n and rx >= 2 * n,
          f'exception port: tx {tx}, rx {rx} (>= {2 * n} each)')


SCENARIOS = {'tunnels': (tunnels, TUNNELS),
             'endpoint': (endpoint, TRANSPORTS)}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == '--list':
        print('\n'.join(SCENARIOS))
        return 0
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    mifgw, scen = sys.argv[1], sys.argv[2]
    fn, names = SCENARIOS[scen]
    t = Topology(mifgw)
    g = t.gw
    orig = g.write_config
    tap = f'mx{t.tag.split("-")[1]}{os.getpid() % 10000}' \
        if scen == 'endpoint' else None

    def write_config():
        orig()
        with open(g.cfg_path, 'a', encoding='ascii') as f:
            f.write(extra_config(names, tap))
    g.write_config = write_config
    try:
        t.start()
        if tap:
            fn(t, tap)
        else:
            fn(t)
        rc = t.stop()
        check(rc == 0, f'mifgw exited with {rc}')
        check(not t.sanitizer_reports(), 'no sanitizer report')
    except HarnessError as e:
        check(False, f'harness: {e}')
    finally:
        if failures:
            t.dump_logs(40)
        t.close()
    print(f'{len(failures)} failed' if failures else 'all passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
