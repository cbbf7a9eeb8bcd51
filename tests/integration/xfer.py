# SPDX-License-Identifier: BSD-3-Clause
"""A TCP bulk transfer with a SHA-256 of the bytes on both ends.

  xfer.py serve --bind ADDR --port P [--timeout S]
      Print "listening", accept one connection, read to EOF, print JSON
      {bytes, sha256, seconds}.
  xfer.py send --dst ADDR --port P --bytes N [--timeout S]
      Connect, send N random bytes, print JSON {bytes, sha256, seconds}.
"""

import argparse
import hashlib
import json
import os
import socket
import sys
import time

CHUNK = 64 * 1024


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def serve(a):
    ls = socket.socket(family(a.bind), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    print('listening', flush=True)
    conn, _ = ls.accept()
    conn.settimeout(a.timeout)
    h = hashlib.sha256()
    n = 0
    t0 = time.monotonic()
    while True:
        buf = conn.recv(CHUNK)
        if not buf:
            break
        h.update(buf)
        n += len(buf)
    dt = time.monotonic() - t0
    conn.close()
    print(json.dumps({'bytes': n, 'sha256': h.hexdigest(), 'seconds': dt}))
    return 0


def send(a):
    s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
    h = hashlib.sha256()
    left = a.bytes
    t0 = time.monotonic()
    while left > 0:
        buf = os.urandom(min(CHUNK, left))
        s.sendall(buf)
        h.update(buf)
        left -= len(buf)
    s.shutdown(socket.SHUT_WR)
    # Wait for the server to close: every byte was then read.
    s.recv(1)
    dt = time.monotonic() - t0
    s.close()
    print(json.dumps({'bytes': a.bytes, 'sha256': h.hexdigest(),
                      'seconds': dt}))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    sv = sub.add_parser('serve')
    sv.add_argument('--bind', required=True)
    sv.add_argument('--port', type=int, required=True)
    sv.add_argument('--timeout', type=float, default=60)
    sd = sub.add_parser('send')
    sd.add_argument('--dst', required=True)
    sd.add_argument('--port', type=int, required=True)
    sd.add_argument('--bytes', type=int, required=True)
    sd.add_argument('--timeout', type=float, default=60)
    a = ap.parse_args()
    return serve(a) if a.cmd == 'serve' else send(a)


if __name__ == '__main__':
    sys.exit(main())
