#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit test of the pcap generators in pktgen-scripts/.

Runs each generator as a user would (a subprocess with arguments) into a
temporary directory, reads the pcap back with scapy and checks it with
computations of its own: frame sizes, packet and flow counts, the IPv4
header and L4 checksums (recomputed here, not by scapy), the UDP length of
NAT-T, and every ESP packet: the ICV of CBC+HMAC with python's hmac module
including the high ESN bits (RFC 4303 2.2.1), the decryption with scapy's
SecurityAssociation and, for the trailer, a decryption with the raw
ciphers, so padding (RFC 4303 2.4) and next header are checked too;
where Wireshark's SA table can express the case (no ESN, no NAT-T),
tshark must decrypt each packet and find its ICV good.

With the path of tests/unit/esp_tool (mifgw's own ESP code behind a
command line), the same files must also decrypt there: mifgw accepts
what the generators send to it in the lab and the benchmarks.

usage: test_pcap_gen.py [PKTGEN_SCRIPTS_DIR [ESP_TOOL]]
"""

import hmac
import hashlib
import ipaddress
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.utils import rdpcap

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(HERE, "..", "..", "pktgen-scripts")
ESP_TOOL = sys.argv[2] if len(sys.argv) > 2 else None

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL: %s" % what)
    return cond


def run(tool, *args, expect=0):
    cmd = [sys.executable, os.path.join(SCRIPTS, tool)] + [str(a)
                                                          for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    ok = check(r.returncode == expect, "%s %s: exit %d, expected %d: %s"
               % (tool, " ".join(cmd[2:]), r.returncode, expect,
                  r.stderr.strip()))
    return r if ok else None


def csum(data):
    """RFC 1071 ones' complement sum, folded and inverted."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def l4_ok(ip_bytes, v4):
    """Whether the TCP/UDP checksum in a raw IP packet verifies."""
    if v4:
        ihl = (ip_bytes[0] & 0xf) * 4
        proto = ip_bytes[9]
        seg = ip_bytes[ihl:struct.unpack("!H", ip_bytes[2:4])[0]]
        pseudo = ip_bytes[12:20] + struct.pack("!BBH", 0, proto, len(seg))
    else:
        proto = ip_bytes[6]
        seg = ip_bytes[40:40 + struct.unpack("!H", ip_bytes[4:6])[0]]
        pseudo = ip_bytes[8:40] + struct.pack("!IxxxB", len(seg), proto)
    if proto == 17 and v4 and seg[6:8] == b"\0\0":
        return True     # IPv4 UDP without checksum
    return csum(pseudo + seg) == 0


def ipv4_hdr_ok(ip_bytes):
    ihl = (ip_bytes[0] & 0xf) * 4
    return csum(ip_bytes[:ihl]) == 0


def scapy_csum_ok(p):
    """Second opinion: scapy recomputes the checksums of a copy."""
    q = p.copy()
    if IP in q:
        del q[IP].chksum
    del (q[UDP] if UDP in q else q[TCP]).chksum
    return bytes(q) == bytes(p)


def five_tuple(p):
    ip = p[IP] if IP in p else p[IPv6]
    l4 = p[UDP] if UDP in p else p[TCP]
    return (ip.src, ip.dst, l4.sport, l4.dport, l4.__class__.__name__)


def ip_of(p):
    return p[IP] if IP in p else p[IPv6]


def test_clear(tmp):
    for v6 in (False, True):
        for proto in ("udp", "tcp"):
            for size in (64, 512, 1420):
                path = os.path.join(tmp, "c%d%s%d.pcap" % (v6, proto, size))
                args = ["-o", path, "--size", size, "--flows", 37,
                        "--src-ips", 5, "--proto", proto,
                        "--src-mac", "02:aa:00:00:00:01",
                        "--dst-mac", "02:bb:00:00:00:02"]
                if v6:
                    args.append("--ipv6")
                if v6 and proto == "tcp" and size == 64:
                    # 14 + 40 + 20 header bytes do not fit: refused
                    run("gen_clear.py", *args, expect=2)
                    continue
                if not run("gen_clear.py", *args):
                    continue
                pk = rdpcap(path)
                tag = "clear v%d %s %d" % (6 if v6 else 4, proto, size)
                check(len(pk) == 37, "%s: %d packets, want 37"
                      % (tag, len(pk)))
                check(all(len(p) == size for p in pk),
                      "%s: frame sizes %s" % (tag, {len(p) for p in pk}))
                check(len({five_tuple(p) for p in pk}) == 37,
                      "%s: distinct flows" % tag)
                check(all(p.src == "02:aa:00:00:00:01" and
                          p.dst == "02:bb:00:00:00:02" for p in pk),
                      "%s: MACs" % tag)
                raws = [bytes(ip_of(p)) for p in pk]
                if not v6:
                    check(all(ipv4_hdr_ok(r) for r in raws),
                          "%s: IPv4 header checksums" % tag)
                check(all(l4_ok(r, not v6) for r in raws),
                      "%s: L4 checksums" % tag)
                check(all(scapy_csum_ok(p) for p in pk),
                      "%s: checksums as scapy computes them" % tag)
                check(all(ipaddress.ip_address(ip_of(p).src).version ==
                          (6 if v6 else 4) for p in pk), "%s: family" % tag)

    # Flows beyond one source port cycle and counts beyond the flow count.
    path = os.path.join(tmp, "many.pcap")
    if run("gen_clear.py", "-o", path, "--size", "64,512", "--flows", 1000,
           "--count", 3000):
        pk = rdpcap(path)
        check(len(pk) == 3000, "many: count %d" % len(pk))
        check(len({five_tuple(p) for p in pk}) == 1000, "many: 1000 flows")
        check(sorted({len(p) for p in pk}) == [64, 512], "many: sizes")

    # Pktgen reads only classic little- or big-endian microsecond pcap.
    with open(path, "rb") as fh:
        head = fh.read(24)
    check(struct.unpack("<IHHiIII", head)[0:3] == (0xa1b2c3d4, 2, 4) and
          struct.unpack("<I", head[20:24])[0] == 1,
          "pcap header: classic microsecond format, Ethernet: %r" % head)

    # A corrupted checksum must be caught by the checker itself.
    p = rdpcap(os.path.join(tmp, "c0udp64.pcap"))[0]
    b = bytearray(bytes(p[IP]))
    b[-1] ^= 1
    check(not l4_ok(bytes(b), True), "checker detects a bad UDP checksum")
    b = bytearray(bytes(p[IP]))
    b[8] ^= 1
    check(not ipv4_hdr_ok(bytes(b)), "checker detects a bad IPv4 checksum")


def test_imix(tmp):
    path = os.path.join(tmp, "imix.pcap")
    if not run("gen_imix.py", "-o", path, "--flows", 50):
        return
    pk = rdpcap(path)
    sizes = [len(p) for p in pk]
    check(len(pk) == 600, "imix: %d packets, want 600" % len(pk))
    check((sizes.count(64), sizes.count(512), sizes.count(1420)) ==
          (350, 200, 50), "imix: 7:4:1 counts %d/%d/%d" %
          (sizes.count(64), sizes.count(512), sizes.count(1420)))
    per_flow = {}
    for p in pk:
        per_flow.setdefault(five_tuple(p), set()).add(len(p))
    check(len(per_flow) == 50, "imix: 50 flows")
    check(all(s == {64, 512, 1420} for s in per_flow.values()),
          "imix: every flow carries every size")
    runs = max(len(list(g)) for g in _groups(sizes))
    check(runs <= 3, "imix: longest run of one size %d" % runs)
    check(all(l4_ok(bytes(p[IP]), True) for p in pk), "imix: checksums")


def _groups(seq):
    out, cur = [], []
    for x in seq:
        if cur and cur[-1] != x:
            out.append(cur)
            cur = []
        cur.append(x)
    return out + [cur]


def test_bad_args(tmp):
    out = os.path.join(tmp, "bad.pcap")
    run("gen_clear.py", "-o", out, "--size", "40", expect=2)
    run("gen_clear.py", "-o", out, "--size", "64", "--ipv6", "--proto",
        "tcp", "--size", "70", expect=2)
    run("gen_clear.py", "-o", out, "--flows", 100000, "--src-ips", 1,
        "--sport", 60000, expect=2)
    run("gen_clear.py", "-o", out, "--dst-mac", "02:00:00:00:00", expect=2)
    base = ["-o", out, "--outer-src", "192.0.2.1", "--outer-dst",
            "192.0.2.2", "--spi", "0x1000"]
    run("gen_esp.py", *base, "--cipher", "aes-gcm-128", "--key", "00" * 16,
        expect=2)                                   # no salt
    run("gen_esp.py", *base, "--cipher", "aes-cbc-128", "--key", "00" * 16,
        expect=2)                                   # no integrity
    run("gen_esp.py", *base, "--cipher", "aes-gcm-128", "--key", "00" * 16,
        "--salt", "00" * 4, "--seq", 0x100000000, expect=2)  # no ESN
    run("gen_esp.py", *base, "--cipher", "aes-gcm-128", "--key", "00" * 15,
        "--salt", "00" * 4, expect=2)               # short key


KEY16 = "0123456789abcdeffedcba9876543210"
KEY32 = KEY16 + "00112233445566778899aabbccddeeff"
SHA1K = "a5" * 20
SHA256K = "5a" * 32

# name, cipher, key, salt, auth, auth key, mode, inner v6, outer v6,
# esn, first seq, natt
ESP_CASES = [
    ("gcm128-tun4", "aes-gcm-128", KEY16, "01020304", None, "", "tunnel",
     False, False, False, 1, False),
    ("gcm256-4in6-esn", "aes-gcm-256", KEY32, "a0b0c0d0", None, "",
     "tunnel", False, True, True, 0xfffffffa, False),
    ("gcm128-tun6-natt", "aes-gcm-128", KEY16, "11223344", None, "",
     "tunnel", True, True, False, 100, True),
    ("gcm128-trans6", "aes-gcm-128", KEY16, "01020304", None, "",
     "transport", True, True, False, 7, False),
    ("cbc-sha1-trans4-esn", "aes-cbc-128", KEY16, "", "hmac-sha1-96",
     SHA1K, "transport", False, False, True, 0x1fffffffd, False),
    ("cbc-sha256-tun4-esn-natt", "aes-cbc-128", KEY16, "",
     "hmac-sha256-128", SHA256K, "tunnel", False, False, True, 0xfffffffe,
     True),
    ("cbc-sha256-6in4", "aes-cbc-128", KEY16, "", "hmac-sha256-128",
     SHA256K, "tunnel", True, False, False, 1, False),
    ("gcm256-trans4-natt", "aes-gcm-256", KEY32, "0badcafe", None, "",
     "transport", False, False, False, 1, True),
    ("cbc-sha1-tun4-esn", "aes-cbc-128", KEY16, "", "hmac-sha1-96", SHA1K,
     "tunnel", False, False, True, 1, False),
]

ICV = {"hmac-sha1-96": (hashlib.sha1, 12), "hmac-sha256-128":
       (hashlib.sha256, 16)}


def esp_region(p, natt):
    """(outer IP packet, ESP bytes) of one frame."""
    outer = ip_of(p)
    if natt:
        return outer, bytes(p[UDP].payload)
    return outer, bytes(outer.payload)


def verify_icv(esp, auth, akey, esn, seq):
    hfn, n = ICV[auth]
    tail = struct.pack("!I", seq >> 32) if esn else b""
    mac = hmac.new(bytes.fromhex(akey), esp[:-n] + tail, hfn).digest()[:n]
    return hmac.compare_digest(mac, esp[-n:])


def raw_decrypt(case, esp, seq):
    """Plaintext (payload, padding, pad length, next header) by the raw
    ciphers, independent of scapy's ESP code."""
    name, cipher, key, salt, auth, akey, mode, _, _, esn, _, _ = case
    k = bytes.fromhex(key)
    spi_seq = esp[:8]
    if cipher.startswith("aes-gcm"):
        iv = esp[8:16]
        aad = esp[:4] + struct.pack("!I", seq >> 32) + esp[4:8] if esn \
            else spi_seq
        pt = AESGCM(k).decrypt(bytes.fromhex(salt) + iv, esp[16:], aad)
    else:
        n = ICV[auth][1]
        iv, ct = esp[8:24], esp[24:-n]
        d = Cipher(algorithms.AES(k), modes.CBC(iv)).decryptor()
        pt = d.update(ct) + d.finalize()
    padlen, nh = pt[-2], pt[-1]
    return pt[:-2 - padlen], pt[-2 - padlen:-2], padlen, nh, pt


def scapy_decrypt(case, outer_pkt, esp, seq):
    """Decrypt with scapy's SecurityAssociation (the ICV, if any, has been
    checked and is cut off first, as scapy leaves ESN out of it)."""
    name, cipher, key, salt, auth, akey, mode, _, outer6, esn, _, _ = case
    algo = "AES-GCM" if cipher.startswith("aes-gcm") else "AES-CBC"
    k = bytes.fromhex(key) + bytes.fromhex(salt)
    if auth:
        esp = esp[:-ICV[auth][1]]
    hdr = outer_pkt.copy()
    hdr.remove_payload()
    if outer6:
        hdr.nh = 50
        hdr.plen = None
    else:
        hdr.proto = 50
        hdr.len = None
        hdr.chksum = None
    pkt = hdr.__class__(bytes(hdr / ESP(esp)))
    tun = (IPv6() if outer6 else IP()) if mode == "tunnel" else None
    sa = SecurityAssociation(ESP, spi=struct.unpack("!I", esp[:4])[0],
                             crypt_algo=algo, crypt_key=k,
                             tunnel_header=tun, esn_en=esn,
                             esn=seq >> 32)
    return sa.decrypt(pkt, esn_en=esn, esn=seq >> 32)


def test_esp_case(tmp, case):
    name, cipher, key, salt, auth, akey, mode, in6, out6, esn, seq0, \
        natt = case
    clear = os.path.join(tmp, "in-%s.pcap" % name)
    out = os.path.join(tmp, "esp-%s.pcap" % name)
    cargs = ["-o", clear, "--size", "64,512,1420", "--flows", 8]
    if in6:
        cargs.append("--ipv6")
    if mode == "transport" and in6 != out6:
        return
    if not run("gen_clear.py", *cargs):
        return
    osrc, odst = ("2001:db8:2::2", "2001:db8:2::1") if out6 else \
        ("198.51.100.2", "198.51.100.1")
    eargs = ["-o", out, "--input", clear, "--spi", "0x2000", "--cipher",
             cipher, "--key", key, "--mode", mode, "--seq", hex(seq0),
             "--outer-src", osrc, "--outer-dst", odst,
             "--dst-mac", "02:00:00:00:01:02"]
    if salt:
        eargs += ["--salt", salt]
    if auth:
        eargs += ["--auth", auth, "--auth-key", akey]
    if esn:
        eargs.append("--esn")
    if natt:
        eargs.append("--natt")
    if not run("gen_esp.py", *eargs):
        return
    src = [ip_of(p) for p in rdpcap(clear)]
    pk = rdpcap(out)
    check(len(pk) == len(src) == 24, "%s: %d ESP packets for %d clear"
          % (name, len(pk), len(src)))
    block = 4 if cipher.startswith("aes-gcm") else 16
    for i, (p, inner) in enumerate(zip(pk, src)):
        tag = "%s pkt %d" % (name, i)
        seq = seq0 + i
        outer, esp = esp_region(p, natt)
        ob = bytes(outer)
        check(p.dst == "02:00:00:00:01:02", "%s: outer MAC" % tag)
        check(outer.version == (6 if out6 else 4), "%s: outer family"
              % tag)
        if not out6:
            check(ipv4_hdr_ok(ob), "%s: outer IPv4 checksum" % tag)
            check(struct.unpack("!H", ob[2:4])[0] == len(ob),
                  "%s: IPv4 total length" % tag)
        if natt:
            u = p[UDP]
            ulen = len(ob) - (40 if out6 else (ob[0] & 0xf) * 4)
            check(u.len == ulen, "%s: NAT-T UDP length %d, want %d"
                  % (tag, u.len, ulen))
            check(u.sport == u.dport == 4500, "%s: NAT-T ports" % tag)
            if out6:
                check(u.chksum != 0 and l4_ok(ob, False),
                      "%s: NAT-T UDP checksum over IPv6" % tag)
            else:
                check(u.chksum == 0, "%s: NAT-T IPv4 checksum zero" % tag)
        spi, lo = struct.unpack("!II", esp[:8])
        check(spi == 0x2000, "%s: SPI" % tag)
        check(lo == seq & 0xffffffff, "%s: sequence %d, want %d"
              % (tag, lo, seq & 0xffffffff))
        if auth:
            check(verify_icv(esp, auth, akey, esn, seq),
                  "%s: ICV (hmac, ESN high bits included)" % tag)
            if esn and seq >> 32:
                check(not verify_icv(esp, auth, akey, False, seq),
                      "%s: ICV without ESN high bits must not verify" % tag)
            bad = bytearray(esp)
            bad[-1] ^= 0x80
            check(not verify_icv(bytes(bad), auth, akey, esn, seq),
                  "%s: flipped ICV bit detected" % tag)
        try:
            body, pad, padlen, nh, pt = raw_decrypt(case, esp, seq)
        except Exception as e:          # InvalidTag and friends
            check(False, "%s: raw decrypt: %r" % (tag, e))
            continue
        check(pad == bytes(range(1, padlen + 1)),
              "%s: padding bytes %r" % (tag, pad))
        check(len(pt) % block == 0 and padlen < block + 4,
              "%s: padded length %d, pad %d" % (tag, len(pt), padlen))
        if mode == "tunnel":
            check(nh == (41 if in6 else 4), "%s: next header %d"
                  % (tag, nh))
            check(body == bytes(inner), "%s: inner packet differs" % tag)
        else:
            check(nh == 17, "%s: next header %d" % (tag, nh))
            check(body == bytes(inner.payload), "%s: transport payload"
                  % tag)
            check(outer.src == inner.src and outer.dst == inner.dst,
                  "%s: transport addresses" % tag)
        try:
            dec = scapy_decrypt(case, outer, esp, seq)
        except Exception as e:
            check(False, "%s: scapy decrypt: %r" % (tag, e))
            continue
        if mode == "tunnel":
            check(bytes(dec) == bytes(inner),
                  "%s: scapy-decrypted inner packet differs" % tag)
        else:
            check(bytes(dec.payload) == bytes(inner.payload),
                  "%s: scapy-decrypted transport payload" % tag)
    if pk and cipher.startswith("aes-gcm"):
        outer, esp = esp_region(pk[0], natt)
        bad = bytearray(esp)
        bad[20] ^= 1
        try:
            raw_decrypt(case, bytes(bad), seq0)
            check(False, "%s: a flipped ciphertext bit decrypted" % name)
        except Exception:
            check(True, "")


TSHARK_CIPHER = {"aes-gcm-128": "AES-GCM with 16 octet ICV [RFC4106]",
                 "aes-gcm-256": "AES-GCM with 16 octet ICV [RFC4106]",
                 "aes-cbc-128": "AES-CBC [RFC3602]"}
TSHARK_AUTH = {None: "NULL", "hmac-sha1-96": "HMAC-SHA-1-96 [RFC2404]",
               "hmac-sha256-128": "HMAC-SHA-256-128 [RFC4868]"}


def tshark_fields(tshark, path, case, key=None):
    name, cipher, k, salt, auth, akey, mode, in6, out6, esn, _, _ = case
    fam = "IPv6" if out6 else "IPv4"
    sa = '"%s","*","*","0x00002000","%s","0x%s","%s","%s"' % (
        fam, TSHARK_CIPHER[cipher], key or (k + salt), TSHARK_AUTH[auth],
        ("0x" + akey) if akey else "")
    # -d: UDP 5001 (the generators' port) is CPFI's, whose dissector
    # calls short test payloads malformed and then drops the ESP fields.
    r = subprocess.run([tshark, "-n", "-d", "udp.port==5001,data",
                        "-o", "esp.enable_encryption_decode:TRUE",
                        "-o", "esp.enable_authentication_check:TRUE",
                        "-o", "uat:esp_sa:" + sa, "-r", path, "-T", "fields",
                        "-e", "esp.icv_good", "-e", "esp.pad_len",
                        "-e", "esp.protocol"],
                       capture_output=True, text=True, timeout=120)
    return [ln.split("\t") for ln in r.stdout.splitlines() if ln]


def test_tshark(tmp):
    """A third, independent ESP implementation: Wireshark's dissector,
    given the keys, must decrypt every packet and find its ICV good.
    Wireshark 4.0 has no ESN or NAT-T SA option, so those cases are left
    to the checks above."""
    tshark = shutil.which("tshark")
    if not tshark:
        print("note: tshark not installed, its ESP check is skipped")
        return
    for case in ESP_CASES:
        name, cipher, k, salt, auth, akey, mode, in6, _, esn, _, natt = case
        path = os.path.join(tmp, "esp-%s.pcap" % name)
        if esn or natt or not os.path.exists(path):
            continue
        rows = tshark_fields(tshark, path, case)
        nh = "0x11" if mode == "transport" else ("0x29" if in6 else "0x04")
        check(len(rows) == 24 and all(r[0] == "1" and r[2] == nh
                                      for r in rows),
              "tshark %s: ICV good and next header %s in all 24: %s"
              % (name, nh, rows[:2]))
        wrong = (k[:-2] + ("00" if k[-2:] != "00" else "01")) + salt
        rows = tshark_fields(tshark, path, case, key=wrong)
        if auth is None:
            # Garbage plaintext may stop the dissector before the ICV
            # field (an empty row); no row may claim a good ICV.
            check(rows and all(r[0] != "1" for r in rows) and
                  any(r[0] == "0" for r in rows),
                  "tshark %s: a wrong key must fail the ICV: %s"
                  % (name, [r for r in rows if r[0] != "0"]))


def test_esp_tool(tmp):
    """mifgw's ESP code must decrypt the generated files to the clear
    input. A fresh inbound SA expects sequence numbers near 1, so the
    cases that start near 2^32 are left out."""
    if not ESP_TOOL:
        print("note: no esp_tool given, the check against mifgw's ESP "
              "code is skipped")
        return
    for case in ESP_CASES:
        name, cipher, k, salt, auth, akey, mode, in6, out6, esn, seq0, \
            natt = case
        path = os.path.join(tmp, "esp-%s.pcap" % name)
        if seq0 >= 2 ** 31 or not os.path.exists(path):
            continue
        kv = ["spi=0x2000", "mode=" + mode, "win=64", "esn=%d" % esn,
              "cipher=" + ("gcm" if cipher.startswith("aes-gcm") else "cbc"),
              "key=" + k, "auth=" + {None: "none", "hmac-sha1-96": "sha1",
                                     "hmac-sha256-128": "sha256"}[auth]]
        if salt:
            kv.append("salt=" + salt)
        if akey:
            kv.append("authkey=" + akey)
        if natt:
            kv.append("udp=1")
        if mode == "tunnel":
            kv += ["local=" + ("2001:db8:2::1" if out6 else "198.51.100.1"),
                   "remote=" + ("2001:db8:2::2" if out6 else "198.51.100.2")]
        lines = [bytes(ip_of(p)).hex() for p in rdpcap(path)]
        r = subprocess.run([ESP_TOOL, "dec"] + kv, input="\n".join(lines)
                           + "\n", capture_output=True, text=True,
                           timeout=120)
        if not check(r.returncode == 0, "esp_tool %s: exit %d: %s"
                     % (name, r.returncode, r.stderr.strip()[-300:])):
            continue
        got = [ln.split() for ln in r.stdout.splitlines()
               if ln.startswith(("OK", "DROP"))]
        clear = [ip_of(p) for p in rdpcap(os.path.join(tmp, "in-%s.pcap"
                                                        % name))]
        check(len(got) == len(clear) and all(g[0] == "OK" for g in got),
              "esp_tool %s: mifgw drops %s" % (name, [g for g in got
                                                      if g[0] != "OK"][:3]))
        want = [bytes(c) if mode == "tunnel" else bytes(c.payload)
                for c in clear]
        out = [bytes.fromhex(g[1]) for g in got if g[0] == "OK"]
        if mode == "transport":
            out = [bytes(ip_of(IPv6(o) if in6 else IP(o)).payload)
                   for o in out]
        check(out == want, "esp_tool %s: decrypted packets differ from the "
              "clear input" % name)


def test_natt_checksum(tmp):
    """--natt-checksum compute over IPv4 fills in a valid checksum."""
    out = os.path.join(tmp, "natt-csum.pcap")
    if not run("gen_esp.py", "-o", out, "--spi", "0x4000", "--cipher",
               "aes-gcm-128", "--key", KEY16, "--salt", "01020304",
               "--outer-src", "198.51.100.2", "--outer-dst", "198.51.100.1",
               "--natt", "--natt-checksum", "compute", "--natt-sport", 31000,
               "--size", "64,1420", "--flows", 3):
        return
    pk = rdpcap(out)
    check(len(pk) == 6 and all(p[UDP].chksum != 0 and p[UDP].sport == 31000
                               and l4_ok(bytes(p[IP]), True) for p in pk),
          "NAT-T computed IPv4 checksums")
    run("gen_esp.py", "-o", out, "--spi", "0x4000", "--cipher",
        "aes-gcm-128", "--key", KEY16, "--salt", "01020304", "--outer-src",
        "2001:db8::2", "--outer-dst", "2001:db8::1", "--natt",
        "--natt-checksum", "zero", expect=2)


def test_multi_sa(tmp):
    out = os.path.join(tmp, "multi.pcap")
    if not run("gen_esp.py", "-o", out, "--spi", "0x3000", "--sas", 3,
               "--cipher", "aes-gcm-128", "--key", KEY16, "--salt",
               "01020304", "--outer-src", "198.51.100.2", "--outer-dst",
               "198.51.100.1", "--size", "128", "--flows", 4, "--count", 12,
               "--seq", 5):
        return
    pk = rdpcap(out)
    got = [struct.unpack("!II", bytes(p[IP].payload)[:8]) for p in pk]
    want = [(0x3000 + j % 3, 5 + j // 3) for j in range(12)]
    check(got == want, "multi-SA: SPI/sequence %s" % got)
    # 128 clear + outer IPv4 20 + ESP header 8 + IV 8 + trailer 2 (no
    # padding needed: 114 + 2 is a multiple of 4) + ICV 16
    check(all(len(p) == 128 + 20 + 8 + 8 + 2 + 16 for p in pk),
          "multi-SA: ESP frame size %s" % {len(p) for p in pk})


def main():
    with tempfile.TemporaryDirectory(prefix="mif-pcapgen-") as tmp:
        test_clear(tmp)
        test_imix(tmp)
        test_bad_args(tmp)
        for case in ESP_CASES:
            test_esp_case(tmp, case)
        test_tshark(tmp)
        test_esp_tool(tmp)
        test_natt_checksum(tmp)
        test_multi_sa(tmp)
    print("test_pcap_gen: %d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
