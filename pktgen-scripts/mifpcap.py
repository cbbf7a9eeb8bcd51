# SPDX-License-Identifier: BSD-3-Clause
"""Shared code of the mifgw pcap generators (gen_clear.py, gen_imix.py,
gen_esp.py) and of their tests.

Sizes are Ethernet frame lengths WITHOUT the 4-byte FCS: the number of
bytes stored in the pcap for one packet, from the destination MAC to the
end of the payload. On the wire each frame also carries the FCS (4 bytes)
and preamble plus inter-frame gap (20 bytes). Pktgen-DPDK's "size" counts
the FCS, so a 64-byte frame here is "size 68" in pktgen.

Clear packets: scapy builds one template per family, protocol and size;
each packet is a copy with the flow's addresses, ports and payload head
written in and the checksums computed here (RFC 1071), which is about a
hundred times faster than building every packet with scapy. The outer
IP and UDP headers of ESP are written the same way. The tests check all
of it with scapy and with their own checksum code.

ESP is built from scapy's ESP layer pieces (the _ESPPlain record, the
CryptAlgo padding and ciphers), but the parts scapy 2.5 gets wrong are
computed here:
  - the HMAC ICV, which scapy computes without the high-order 32 bits of
    an extended sequence number (RFC 4303 2.2.1 and 3.3.2.1 say they are
    part of the ICV input, appended after the trailer, never sent);
  - the UDP header of NAT-T (RFC 3948): scapy freezes the UDP length at 8
    for IPv4 and writes a zero checksum for IPv6;
  - the sequence number: scapy treats a low half of 0 as "unset", which
    breaks ESN at the 2^32 boundary;
  - the IV: unique per packet (the 64-bit sequence number for GCM, RFC
    4106 section 3.1 allows a counter; seeded random bytes for CBC so the
    output is reproducible).
"""

import argparse
import array
import hashlib
import hmac
import ipaddress
import random
import struct
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import CRYPT_ALGOS, SecurityAssociation, ESP, \
    _ESPPlain, split_for_transport
from scapy.packet import Raw
from scapy.utils import rdpcap

ETH_HLEN = 14
MIN_FRAME = 60          # 802.3 minimum without FCS
MAX_FRAME = 1514        # 1500-byte IP MTU without FCS
FCS_LEN = 4
WIRE_OVERHEAD = 20      # preamble, SFD and inter-frame gap

# Simple IMIX 7:4:1, interleaved so that no size comes in long runs.
IMIX_SIZES = (64, 512, 1420)
IMIX_WEIGHTS = (7, 4, 1)
IMIX_ORDER = (0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 1, 0)

PAYLOAD_MARK = b"MIFG"

# name: (scapy algo, key bytes, salt bytes, aead)
CIPHERS = {
    "aes-gcm-128": ("AES-GCM", 16, 4, True),
    "aes-gcm-256": ("AES-GCM", 32, 4, True),
    "aes-cbc-128": ("AES-CBC", 16, 0, False),
    "aes-cbc-256": ("AES-CBC", 32, 0, False),
    "null": ("NULL", 0, 0, False),
}

# name: (hash constructor, key bytes, ICV bytes)
AUTHS = {
    "hmac-sha1-96": (hashlib.sha1, 20, 12),
    "hmac-sha256-128": (hashlib.sha256, 32, 16),
}

GCM_ICV_LEN = 16
IPPROTO_IPIP = 4
IPPROTO_IPV6 = 41
IPPROTO_ESP = 50
NATT_PORT = 4500


class GenError(argparse.ArgumentTypeError):
    """Bad parameters: the CLI prints the message and exits with 2 (an
    ArgumentTypeError, so argparse type= functions report it as such)."""


def die(msg):
    print("error: %s" % msg, file=sys.stderr)
    sys.exit(2)


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6 or any(len(p) != 2 for p in parts):
        raise GenError("bad MAC address %r (want xx:xx:xx:xx:xx:xx)" % text)
    try:
        bytes(int(p, 16) for p in parts)
    except ValueError:
        raise GenError("bad MAC address %r" % text)
    return text.lower()


def parse_hex(text, length, what):
    t = text[2:] if text.lower().startswith("0x") else text
    try:
        b = bytes.fromhex(t)
    except ValueError:
        raise GenError("%s: not hex" % what)
    if len(b) != length:
        raise GenError("%s: %d bytes given, %d needed"
                       % (what, len(b), length))
    return b


def parse_int(text):
    """Decimal or 0x-hex integer, for argparse."""
    return int(text, 0)


def parse_sizes(text):
    """'64,512,1420' or 'imix' -> (list of sizes, order of indexes)."""
    if text.lower() == "imix":
        return list(IMIX_SIZES), list(IMIX_ORDER)
    try:
        sizes = [int(s) for s in text.split(",") if s]
    except ValueError:
        raise GenError("bad size list %r" % text)
    if not sizes:
        raise GenError("empty size list")
    return sizes, list(range(len(sizes)))


def l4_header_len(proto):
    return 20 if proto == "tcp" else 8


def min_frame(family, proto):
    ip = 20 if family == 4 else 40
    return max(MIN_FRAME, ETH_HLEN + ip + l4_header_len(proto))


class Flows:
    """Distinct 5-tuples: source address walks n_src addresses from
    src_base, then the source port steps once per address cycle."""

    def __init__(self, count, src_base, dst, sport, dport, proto,
                 n_src=256):
        if count < 1:
            raise GenError("flow count must be at least 1")
        self.src_base = ipaddress.ip_address(src_base)
        self.dst = ipaddress.ip_address(dst)
        if self.src_base.version != self.dst.version:
            raise GenError("source %s and destination %s differ in family"
                           % (src_base, dst))
        self.family = self.src_base.version
        self.count = count
        self.n_src = max(1, min(n_src, count))
        self.sport = sport
        self.dport = dport
        self.proto = proto
        last_port = sport + (count - 1) // self.n_src
        if not 0 < sport <= 65535 or last_port > 65535:
            raise GenError("%d flows over %d sources need source ports "
                           "%d..%d, beyond 65535"
                           % (count, self.n_src, sport, last_port))
        if not 0 < dport <= 65535:
            raise GenError("bad destination port %d" % dport)
        top = int(self.src_base) + self.n_src - 1
        limit = 2 ** 32 if self.family == 4 else 2 ** 128
        if top >= limit:
            raise GenError("source range overflows the address space")

    def tuple(self, i):
        src = ipaddress.ip_address(int(self.src_base) + i % self.n_src)
        return (str(src), str(self.dst), self.sport + i // self.n_src,
                self.dport, self.proto)


def payload_bytes(length, flow, seq):
    """Recognisable payload: mark, flow id, sequence, then a fill that
    depends on the length only (so it can sit in a template)."""
    head = PAYLOAD_MARK + struct.pack("!II", flow, seq & 0xffffffff)
    fill = bytes((length + k) & 0xff for k in range(max(0, length - 12)))
    return (head + fill)[:length]


def csum(data):
    """RFC 1071 Internet checksum of data (the final, inverted value).
    The ones' complement sum does not depend on byte order, so words are
    summed in the host's order and the result is swapped back."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    words = array.array("H", bytes(data))
    s = sum(words)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    s = ~s & 0xffff
    if sys.byteorder == "little":
        s = ((s & 0xff) << 8) | (s >> 8)
    return s


def l4_checksum(src, dst, proto, seg):
    """TCP/UDP checksum over the pseudo-header (RFC 768, RFC 8200 8.1)."""
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    c = csum(pseudo + seg)
    if proto == 17 and c == 0:
        c = 0xffff      # zero means "no checksum" for UDP
    return c


class Template:
    """One IP packet per (family, protocol, frame size), built by scapy;
    each packet is a copy with the flow's addresses, ports, payload head
    and checksums written in."""

    def __init__(self, family, proto, frame_len):
        v4 = family == 4
        ip = IP(src="0.0.0.0", dst="0.0.0.0", ttl=64) if v4 else \
            IPv6(src="::", dst="::", hlim=64)
        l4 = TCP(sport=1, dport=1, flags="A", window=8192) \
            if proto == "tcp" else UDP(sport=1, dport=1)
        hdr = ETH_HLEN + len(ip) + len(l4)
        if frame_len < hdr:
            raise GenError("frame of %d bytes cannot hold IPv%d/%s "
                           "headers (%d)" % (frame_len, family, proto, hdr))
        self.bytes = bytes(ip / l4 / Raw(payload_bytes(frame_len - hdr, 0,
                                                       0)))
        self.v4 = v4
        self.l3 = 20 if v4 else 40
        self.l4len = 20 if proto == "tcp" else 8
        self.csum_off = self.l3 + (16 if proto == "tcp" else 6)
        self.proto = 6 if proto == "tcp" else 17

    def packet(self, tup, flow, seq):
        src, dst, sport, dport, _ = tup
        b = bytearray(self.bytes)
        s = ipaddress.ip_address(src).packed
        d = ipaddress.ip_address(dst).packed
        if self.v4:
            b[12:16], b[16:20] = s, d
            b[4:6] = struct.pack("!H", seq & 0xffff)
        else:
            b[8:24], b[24:40] = s, d
        b[self.l3:self.l3 + 4] = struct.pack("!HH", sport, dport)
        if self.proto == 6:
            b[self.l3 + 4:self.l3 + 8] = struct.pack("!I", seq & 0xffffffff)
        pl = self.l3 + self.l4len
        head = payload_bytes(12, flow, seq)[:len(b) - pl]
        b[pl:pl + len(head)] = head
        b[self.csum_off:self.csum_off + 2] = b"\0\0"
        c = l4_checksum(s, d, self.proto, bytes(b[self.l3:]))
        b[self.csum_off:self.csum_off + 2] = struct.pack("!H", c)
        if self.v4:
            b[10:12] = b"\0\0"
            b[10:12] = struct.pack("!H", csum(b[:20]))
        return bytes(b)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def frame(src_mac, dst_mac, ip_bytes):
    """Ethernet frame (bytes) around an IP packet (bytes)."""
    eth_type = 0x0800 if ip_bytes[0] >> 4 == 4 else 0x86DD
    return mac_bytes(dst_mac) + mac_bytes(src_mac) + \
        struct.pack("!H", eth_type) + ip_bytes


def plan(count, n_flows, order):
    """(flow, size index) per packet. Passes over all flows follow each
    other; the size index moves by one per flow and per pass, so every
    flow meets every size and sizes interleave instead of coming in
    long runs."""
    for j in range(count):
        k, f = divmod(j, n_flows)
        yield f, order[(k + f) % len(order)]


def clear_ip_packets(flows, sizes, order, count):
    """IP packets (bytes) of the clear traffic, in sending order."""
    tpl = []
    for sz in sizes:
        lo = min_frame(flows.family, flows.proto)
        if not lo <= sz <= MAX_FRAME:
            raise GenError("frame size %d outside %d..%d for IPv%d/%s"
                           % (sz, lo, MAX_FRAME, flows.family, flows.proto))
        tpl.append(Template(flows.family, flows.proto, sz))
    for j, (f, si) in enumerate(plan(count, flows.count, order)):
        yield tpl[si].packet(flows.tuple(f), f, j)


def clear_packets(flows, sizes, order, count, src_mac, dst_mac):
    for ip in clear_ip_packets(flows, sizes, order, count):
        yield frame(src_mac, dst_mac, ip)


PCAP_HDR = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def write_pcap(path, frames):
    """Classic pcap, Ethernet, timestamps 1 us apart from a fixed start
    (files are reproducible); returns counts for summary()."""
    n = nbytes = 0
    per_size = {}
    with open(path, "wb") as fh:
        fh.write(PCAP_HDR)
        for f in frames:
            usec = n
            fh.write(struct.pack("<IIII", 1700000000 + usec // 1000000,
                                 usec % 1000000, len(f), len(f)))
            fh.write(f)
            n += 1
            nbytes += len(f)
            per_size[len(f)] = per_size.get(len(f), 0) + 1
    return {"packets": n, "bytes": nbytes, "sizes": per_size}


def summary(path, st, extra=""):
    sizes = " ".join("%d:%d" % kv for kv in sorted(st["sizes"].items()))
    avg = st["bytes"] / st["packets"] if st["packets"] else 0
    print("%s: %d packets, %d bytes (avg %.1f, no FCS)%s; sizes %s"
          % (path, st["packets"], st["bytes"], avg, extra, sizes))


def add_clear_args(ap, sizes_default):
    """Arguments shared by the clear generators and gen_esp's inner
    traffic."""
    ap.add_argument("--size", default=sizes_default,
                    help="frame sizes without FCS, comma list, or 'imix' "
                    "(7:4:1 of 64,512,1420); default %(default)s")
    ap.add_argument("--flows", type=int, default=1024,
                    help="distinct 5-tuples (default %(default)s)")
    ap.add_argument("--count", type=int, default=None,
                    help="packets (default: flows x sizes, 12 x flows "
                    "for imix)")
    ap.add_argument("--ipv6", action="store_true",
                    help="IPv6 (default addresses change family)")
    ap.add_argument("--src-ip", default=None,
                    help="first source address (default 10.100.0.1 or "
                    "2001:db8:100::1)")
    ap.add_argument("--src-ips", type=int, default=256,
                    help="source addresses to cycle (default %(default)s)")
    ap.add_argument("--dst-ip", default=None,
                    help="destination (default 10.200.0.1 or "
                    "2001:db8:200::1)")
    ap.add_argument("--sport", type=int, default=1024,
                    help="first source port (default %(default)s)")
    ap.add_argument("--dport", type=int, default=5001,
                    help="destination port (default %(default)s)")
    ap.add_argument("--proto", choices=("udp", "tcp"), default="udp")


def clear_from_args(args):
    """(Flows, sizes, order, count) from parsed add_clear_args args."""
    sizes, order = parse_sizes(args.size)
    v6 = args.ipv6
    src = args.src_ip or ("2001:db8:100::1" if v6 else "10.100.0.1")
    dst = args.dst_ip or ("2001:db8:200::1" if v6 else "10.200.0.1")
    if (ipaddress.ip_address(src).version == 6) != v6:
        raise GenError("--src-ip %s does not match %s" %
                       (src, "--ipv6" if v6 else "IPv4"))
    flows = Flows(args.flows, src, dst, args.sport, args.dport, args.proto,
                  args.src_ips)
    count = args.count
    if count is None:
        count = flows.count * len(order)
    if count < 1:
        raise GenError("--count must be at least 1")
    return flows, sizes, order, count


def add_mac_args(ap, src, dst, what):
    ap.add_argument("--src-mac", type=parse_mac, default=src,
                    help="source MAC (%s; default %%(default)s)" % what)
    ap.add_argument("--dst-mac", type=parse_mac, default=dst,
                    help="destination MAC (%s; default %%(default)s)" % what)


class EspSa:
    """One outbound ESP SA as a peer of mifgw would run it."""

    def __init__(self, spi, cipher, key, salt=b"", auth=None, auth_key=b"",
                 mode="tunnel", outer_src=None, outer_dst=None, esn=False,
                 seq=1, natt=False, natt_sport=NATT_PORT,
                 natt_dport=NATT_PORT, natt_csum=None, seed=1):
        if cipher not in CIPHERS:
            raise GenError("unknown cipher %s" % cipher)
        sname, klen, slen, aead = CIPHERS[cipher]
        if len(key) != klen or len(salt) != slen:
            raise GenError("%s needs a %d-byte key and %d-byte salt"
                           % (cipher, klen, slen))
        if aead and auth:
            raise GenError("%s is combined mode: no separate --auth"
                           % cipher)
        if not aead and not auth:
            raise GenError("%s needs an integrity algorithm (--auth)"
                           % cipher)
        if auth and (auth not in AUTHS or len(auth_key) != AUTHS[auth][1]):
            raise GenError("%s needs a %d-byte key" %
                           (auth, AUTHS.get(auth, (0, 0))[1]))
        if not 0 <= spi <= 0xffffffff or spi < 256:
            raise GenError("SPI 0x%x: 0..255 are reserved (RFC 4303 2.1)"
                           % spi)
        if seq < 1 or seq > (2 ** 64 - 1 if esn else 2 ** 32 - 1):
            raise GenError("start sequence %d out of range%s"
                           % (seq, "" if esn else " without ESN"))
        if mode not in ("tunnel", "transport"):
            raise GenError("mode must be tunnel or transport")
        self.spi = spi
        self.cipher = cipher
        self.algo = CRYPT_ALGOS[sname]
        self.aead = aead
        self.key = key
        self.salt = salt
        self.auth = auth
        self.auth_key = auth_key
        self.mode = mode
        self.esn = esn
        self.seq = seq
        self.natt = natt
        self.natt_sport = natt_sport
        self.natt_dport = natt_dport
        self.ip_id = 0
        self.rng = random.Random(seed)
        if mode == "tunnel":
            if not outer_src or not outer_dst:
                raise GenError("tunnel mode needs outer addresses")
            a = ipaddress.ip_address(outer_src)
            b = ipaddress.ip_address(outer_dst)
            if a.version != b.version:
                raise GenError("outer addresses differ in family")
            self.outer_family = a.version
        else:
            self.outer_family = None
        self.outer_src = outer_src
        self.outer_dst = outer_dst
        self.natt_csum = natt_csum
        # scapy reads the salt from an SA object when it forms the nonce
        self.scapy_sa = SecurityAssociation(
            ESP, spi=spi, crypt_algo=sname, crypt_key=key + salt)

    def icv_len(self):
        return GCM_ICV_LEN if self.aead else AUTHS[self.auth][2]

    def next_seq(self):
        seq = self.seq
        if seq > (2 ** 64 - 1 if self.esn else 2 ** 32 - 1):
            raise GenError("SPI 0x%x: sequence number space exhausted"
                           % self.spi)
        self.seq += 1
        return seq

    def _iv(self, seq):
        if self.aead:
            return struct.pack("!Q", seq)
        return bytes(self.rng.getrandbits(8)
                     for _ in range(self.algo.iv_size))

    def esp_bytes(self, seq, payload, nh):
        """ESP header, IV, ciphertext and ICV for one payload."""
        lo, hi = seq & 0xffffffff, seq >> 32
        plain = _ESPPlain(spi=self.spi, seq=lo, iv=self._iv(seq),
                          data=Raw(payload), nh=nh)
        plain = self.algo.pad(plain)
        enc = self.algo.encrypt(self.scapy_sa, plain, self.key,
                                GCM_ICV_LEN if self.aead else 0,
                                esn_en=self.esn, esn=hi)
        out = bytes(enc)
        if self.auth:
            hfn, _, n = AUTHS[self.auth]
            msg = out + (struct.pack("!I", hi) if self.esn else b"")
            out += hmac.new(self.auth_key, msg, hfn).digest()[:n]
        return out

    def _natt_csum(self, family):
        mode = self.natt_csum or ("zero" if family == 4 else "compute")
        if mode == "zero" and family == 6:
            raise GenError("a zero UDP checksum is not allowed over IPv6")
        return mode

    def _transport_split(self, ip):
        """(header bytes, next header, payload) of a clear packet; the
        header is the whole IPv4 header, or the IPv6 header plus any
        extension headers ESP goes after (scapy finds those)."""
        if ip[0] >> 4 == 4:
            ihl = (ip[0] & 0xf) * 4
            total = struct.unpack("!H", ip[2:4])[0]
            return ip[:ihl], ip[9], ip[ihl:total]
        plen = struct.unpack("!H", ip[4:6])[0]
        if ip[6] not in (0, 43, 60):
            return ip[:40], ip[6], ip[40:40 + plen]
        hdr, nh, l4 = split_for_transport(IPv6(ip), IPPROTO_ESP)
        return bytes(hdr), nh, bytes(l4)

    def _outer(self, hdr, family, proto, body):
        """Outer IP header bytes for a body of the given length: for
        tunnel mode a fresh header, for transport mode the packet's own
        (hdr) with its protocol, length and checksum rewritten."""
        if family == 4:
            if hdr is None:
                self.ip_id = (self.ip_id + 1) & 0xffff
                h = bytearray(struct.pack(
                    "!BBHHHBBH4s4s", 0x45, 0, 0, self.ip_id, 0, 64, proto,
                    0, ipaddress.ip_address(self.outer_src).packed,
                    ipaddress.ip_address(self.outer_dst).packed))
            else:
                h = bytearray(hdr)
                h[9] = proto
            h[2:4] = struct.pack("!H", len(h) + len(body))
            h[10:12] = b"\0\0"
            h[10:12] = struct.pack("!H", csum(h))
            return bytes(h)
        if hdr is None:
            return struct.pack(
                "!IHBB16s16s", 0x60000000, len(body), proto, 64,
                ipaddress.ip_address(self.outer_src).packed,
                ipaddress.ip_address(self.outer_dst).packed)
        h = bytearray(hdr)
        if len(h) == 40:
            h[6] = proto
        else:
            self._set_last_nh(h, proto)
        h[4:6] = struct.pack("!H", len(h) - 40 + len(body))
        return bytes(h)

    @staticmethod
    def _set_last_nh(h, proto):
        """Point the last extension header of h at proto."""
        off, nh_at = 40, 6
        while off < len(h):
            nh_at = off
            off += (h[off + 1] + 1) * 8
        h[nh_at] = proto

    def encap(self, ip):
        """ESP-protect one IP packet (bytes); returns the outer packet
        (bytes)."""
        seq = self.next_seq()
        if self.mode == "tunnel":
            nh = IPPROTO_IPIP if ip[0] >> 4 == 4 else IPPROTO_IPV6
            hdr, payload, family = None, ip, self.outer_family
        else:
            hdr, nh, payload = self._transport_split(ip)
            family = ip[0] >> 4
        esp = self.esp_bytes(seq, payload, nh)
        if not self.natt:
            return self._outer(hdr, family, IPPROTO_ESP, esp) + esp
        udp = bytearray(struct.pack("!HHHH", self.natt_sport,
                                    self.natt_dport, 8 + len(esp), 0)) + esp
        outer = self._outer(hdr, family, 17, udp)
        if self._natt_csum(family) == "compute":
            if family == 4:
                src, dst = outer[12:16], outer[16:20]
            else:
                src, dst = outer[8:24], outer[24:40]
            udp[6:8] = struct.pack("!H", l4_checksum(src, dst, 17,
                                                     bytes(udp)))
        return outer + bytes(udp)


def read_pcap(path):
    return rdpcap(path)
