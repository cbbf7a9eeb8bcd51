#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Clear (unencrypted) benchmark traffic for mifgw's protected side.

Writes one pcap of Ethernet frames of the given sizes (without FCS) over
--flows distinct 5-tuples, IPv4 or IPv6, UDP or TCP, with valid IP and L4
checksums. One file per size is the usual use (--size 64), a comma list
mixes sizes in equal shares, 'imix' gives 7:4:1 of 64/512/1420.

Example, 64-byte frames over 4096 flows toward the lab's protected port:
    gen_clear.py -o clear64.pcap --size 64 --flows 4096 \\
        --dst-mac 02:00:00:00:01:01
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mifpcap  # noqa: E402

LAB_SRC_MAC = "02:00:00:00:00:01"   # pktgen box port 0
LAB_DST_MAC = "02:00:00:00:01:01"   # mifgw protected port "lan"


def main(argv=None, sizes_default="64"):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", required=True, help="pcap to write")
    mifpcap.add_clear_args(ap, sizes_default)
    mifpcap.add_mac_args(ap, LAB_SRC_MAC, LAB_DST_MAC,
                         "the sender and mifgw's protected port")
    args = ap.parse_args(argv)
    try:
        flows, sizes, order, count = mifpcap.clear_from_args(args)
        pkts = mifpcap.clear_packets(flows, sizes, order, count,
                                     args.src_mac, args.dst_mac)
        st = mifpcap.write_pcap(args.output, pkts)
    except mifpcap.GenError as e:
        mifpcap.die(str(e))
    mifpcap.summary(args.output, st, ", %d flows, IPv%d/%s"
                    % (flows.count, flows.family, flows.proto))
    return 0


if __name__ == "__main__":
    sys.exit(main())
