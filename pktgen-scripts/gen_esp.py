#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ESP traffic for given SAs, as a peer of mifgw sends it.

The clear packets come from --input (a pcap of Ethernet frames, e.g. from
gen_clear.py) or are generated here with the gen_clear.py options (--size
then sets the clear frame; the ESP frames are larger). Each clear packet is
protected with one SA (round robin over --sas SAs whose SPIs count up from
--spi and which share the keys), in tunnel or transport mode, IPv4 or IPv6
outside, optionally UDP-encapsulated (RFC 3948), with or without extended
sequence numbers, starting at --seq. Frames are written without FCS.

Sequence numbers count up per SA from --seq. Pktgen's pcap mode replays a
file in a loop: with anti-replay on, only the first pass is accepted.

Example, AES-128-GCM tunnel toward the lab's unprotected port:
    gen_esp.py -o esp.pcap --spi 0x1001 --cipher aes-gcm-128 \\
        --key 00112233445566778899aabbccddeeff --salt 01020304 \\
        --outer-src 198.51.100.2 --outer-dst 198.51.100.1 --size 512
"""

import argparse
import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mifpcap  # noqa: E402
from scapy.layers.inet import IP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402

LAB_SRC_MAC = "02:00:00:00:00:02"   # pktgen box port 1
LAB_DST_MAC = "02:00:00:00:01:02"   # mifgw unprotected port "wan"


def build_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", required=True, help="pcap to write")
    ap.add_argument("--input", help="clear pcap to protect (Ethernet)")
    mifpcap.add_clear_args(ap, "64")
    mifpcap.add_mac_args(ap, LAB_SRC_MAC, LAB_DST_MAC,
                         "outer frame: the peer and mifgw's unprotected port")
    g = ap.add_argument_group("SA")
    g.add_argument("--spi", type=mifpcap.parse_int, required=True)
    g.add_argument("--sas", type=int, default=1,
                   help="SAs, SPI counting up from --spi (default 1)")
    g.add_argument("--cipher", choices=sorted(mifpcap.CIPHERS),
                   required=True)
    g.add_argument("--key", required=True, help="cipher key, hex")
    g.add_argument("--salt", default="",
                   help="AES-GCM salt, 4 bytes hex (RFC 4106)")
    g.add_argument("--auth", choices=sorted(mifpcap.AUTHS),
                   help="integrity algorithm for CBC and NULL")
    g.add_argument("--auth-key", default="", help="integrity key, hex")
    g.add_argument("--mode", choices=("tunnel", "transport"),
                   default="tunnel")
    g.add_argument("--outer-src", help="tunnel source (the peer)")
    g.add_argument("--outer-dst", help="tunnel destination (mifgw)")
    g.add_argument("--esn", action="store_true",
                   help="extended (64-bit) sequence numbers")
    g.add_argument("--seq", type=mifpcap.parse_int, default=1,
                   help="first sequence number of each SA (default 1)")
    g.add_argument("--natt", action="store_true",
                   help="UDP encapsulation (RFC 3948)")
    g.add_argument("--natt-sport", type=int, default=mifpcap.NATT_PORT)
    g.add_argument("--natt-dport", type=int, default=mifpcap.NATT_PORT)
    g.add_argument("--natt-checksum", choices=("zero", "compute"),
                   help="UDP checksum: zero (IPv4 default, RFC 3948 3.1) "
                   "or computed (always over IPv6)")
    g.add_argument("--seed", type=int, default=1,
                   help="seed of the CBC IVs (default 1)")
    return ap


def make_sas(args):
    klen = mifpcap.CIPHERS[args.cipher][1]
    slen = mifpcap.CIPHERS[args.cipher][2]
    key = mifpcap.parse_hex(args.key, klen, "--key") if klen else b""
    salt = mifpcap.parse_hex(args.salt, slen, "--salt") if slen else b""
    if args.salt and not slen:
        raise mifpcap.GenError("--salt is only for AES-GCM")
    akey = b""
    if args.auth:
        akey = mifpcap.parse_hex(args.auth_key,
                                 mifpcap.AUTHS[args.auth][1], "--auth-key")
    if args.sas < 1 or args.spi + args.sas - 1 > 0xffffffff:
        raise mifpcap.GenError("--sas %d from SPI 0x%x leaves 32 bits"
                               % (args.sas, args.spi))
    return [mifpcap.EspSa(args.spi + i, args.cipher, key, salt, args.auth,
                          akey, args.mode, args.outer_src, args.outer_dst,
                          args.esn, args.seq, args.natt, args.natt_sport,
                          args.natt_dport, args.natt_checksum,
                          args.seed + i)
            for i in range(args.sas)]


def ip_bytes(p, path):
    """The IP packet of a frame, without any Ethernet padding."""
    if IP in p:
        b = bytes(p[IP])
        return b[:struct.unpack("!H", b[2:4])[0]]
    if IPv6 in p:
        b = bytes(p[IPv6])
        return b[:40 + struct.unpack("!H", b[4:6])[0]]
    raise mifpcap.GenError("%s: a frame without IP" % path)


def clear_ip_packets(args):
    if args.input:
        for p in mifpcap.read_pcap(args.input):
            yield ip_bytes(p, args.input)
        return
    flows, sizes, order, count = mifpcap.clear_from_args(args)
    yield from mifpcap.clear_ip_packets(flows, sizes, order, count)


def main(argv=None):
    args = build_args().parse_args(argv)
    try:
        sas = make_sas(args)

        def gen():
            for j, ip in enumerate(clear_ip_packets(args)):
                outer = sas[j % len(sas)].encap(ip)
                yield mifpcap.frame(args.src_mac, args.dst_mac, outer)

        st = mifpcap.write_pcap(args.output, gen())
    except mifpcap.GenError as e:
        mifpcap.die(str(e))
    mifpcap.summary(args.output, st, ", %d SA(s) from SPI 0x%x, %s %s%s%s"
                    % (len(sas), args.spi, args.cipher, args.mode,
                       " esn" if args.esn else "",
                       " natt" if args.natt else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
