#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send N IKE_SA_INIT requests (fresh initiator SPI each, a valid ECP-256
KE) to DST:500 from one UDP socket, as an initiator that never goes on
to IKE_AUTH would; count the answers that carry only a COOKIE notify.

usage: ike_flood.py DST N [garbage]
Prints JSON {sent, answers, cookies}. With "garbage", each request is
damaged instead (truncated, wrong lengths, bad version, random bytes,
an unknown critical payload), to ports 500 and 4500 (with the non-ESP
marker); nothing should crash and nothing but notifies may come back.
"""

import json
import os
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives.asymmetric import ec


def gen(np, body):
    return struct.pack('!BBH', np, 0, 4 + len(body)) + body


def xform(last, xtype, xid, attrs=b''):
    return struct.pack('!BBHBBH', 0 if last else 3, 0, 8 + len(attrs),
                       xtype, 0, xid) + attrs


def request(pub):
    xf = (xform(False, 1, 20, struct.pack('!HH', 0x800e, 256)) +
          xform(False, 2, 5) + xform(True, 4, 19))
    prop = struct.pack('!BBHBBBB', 0, 0, 8 + len(xf), 1, 1, 0, 3) + xf
    sa = gen(34, prop)                         # next: KE
    ke = gen(40, struct.pack('!HH', 19, 0) + pub)  # next: Nonce
    nonce = gen(0, os.urandom(32))
    body = sa + ke + nonce
    hdr = struct.pack('!8s8sBBBBII', os.urandom(8), b'\0' * 8, 33, 0x20,
                      34, 0x08, 0, 28 + len(body))
    return hdr + body


def damage(m, i):
    kind = i % 6
    if kind == 0:
        return m[:os.urandom(1)[0] % 40]
    if kind == 1:
        return m[:24] + struct.pack('!I', len(m) + 100) + m[28:]
    if kind == 2:
        return m[:17] + b'\x30' + m[18:]
    if kind == 3:
        return os.urandom(len(m))
    if kind == 4:
        # The SA payload's length runs past the end of the message.
        return m[:30] + struct.pack('!H', 4000) + m[32:]
    # Next payload 200 (unknown), critical bit set.
    return m[:16] + bytes([200]) + m[17:28] + bytes([33, 0x80]) + m[30:]


def main():
    dst, n = sys.argv[1], int(sys.argv[2])
    garbage = sys.argv[3:] == ['garbage']
    k = ec.generate_private_key(ec.SECP256R1())
    nums = k.public_key().public_numbers()
    pub = nums.x.to_bytes(32, 'big') + nums.y.to_bytes(32, 'big')
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.05)
    answers = cookies = 0
    for i in range(n):
        m = request(pub)
        if garbage:
            m = damage(m, i)
            if i % 2:
                s.sendto(b'\0\0\0\0' + m, (dst, 4500))
                continue
        s.sendto(m, (dst, 500))
        try:
            while True:
                m = s.recv(4096)
                answers += 1
                # IKE header, then a Notify (41) with type COOKIE (16390).
                if len(m) > 36 and m[16] == 41 and \
                        struct.unpack('!H', m[34:36])[0] == 16390:
                    cookies += 1
        except socket.timeout:
            pass
        time.sleep(0.005)
    print(json.dumps({'sent': n, 'answers': answers, 'cookies': cookies}))


if __name__ == '__main__':
    main()
