# SPDX-License-Identifier: BSD-3-Clause
"""ESP scenarios: the "sas" and "policies" sections (docs/configuration.md,
docs/spd.md) and the input pcap, for make bench.

Outbound: SA i protects the flows from source core_ip + i; the pcap is
clear traffic over those sources. Inbound: SA i carries the flows from
user_ip + i; the pcap is ESP built by pktgen-scripts/mifpcap.py's EspSa
with the same keys, anti-replay off (infinite_rx replays the same
sequence numbers for ever). Filler DISCARD rules that never match bring
the SPD to the scenario's rule count."""

import ipaddress

import mifpcap

# Fixed benchmark keys: not secret, never used outside this benchmark.
KEYS = {
    "gcm128": ("aes-gcm-128", None, 16),
    "gcm256": ("aes-gcm-256", None, 32),
    "cbc-sha1": ("aes-cbc-128", "hmac-sha1-96", 16),
    "cbc-sha256": ("aes-cbc-128", "hmac-sha256-128", 16),
}
SALT = bytes.fromhex("6d696667")
SPI_OUT = 0x1000
SPI_IN = 0x100000


def key_bytes(n, seed):
    return bytes((seed * 7 + i * 13) & 0xff for i in range(n))


def _host(base, i, family):
    net = ipaddress.ip_address(base) + i
    return "%s/%d" % (net, 32 if family == 4 else 128)


class EspScenario:
    """One ESP point: direction, mode, family, algorithm, SAs, rules."""

    def __init__(self, net, direction, mode, family, alg, sas, rules):
        self.net = net
        self.dir = direction
        self.mode = mode
        self.family = family
        self.alg = alg
        self.n_sas = sas
        self.rules = rules
        cipher, auth, klen = KEYS[alg]
        self.cipher, self.auth = cipher, auth
        self.key = key_bytes(klen, 1)
        self.salt = SALT if cipher.startswith("aes-gcm") else b""
        self.auth_key = key_bytes(mifpcap.AUTHS[auth][1], 2) if auth \
            else b""
        # Tunnel endpoints: the lab's wan link, in the inner family.
        self.local = net["wan"].split("/")[0]
        self.remote = net["wan_nh"]
        if direction == "out":
            self.src, self.dst = net["core_ip"], net["user_ip"]
        else:
            self.src, self.dst = net["user_ip"], net["core_ip"]

    def spi(self, i):
        return (SPI_OUT if self.dir == "out" else SPI_IN) + i

    def peer_sa(self, i):
        """The SA as mifgw's peer runs it (mifpcap.EspSa): for outbound
        the reference encapsulation of what mifgw should send, for
        inbound the sender of the pcap."""
        if self.dir == "out":
            outer = (self.local, self.remote)
        else:
            outer = (self.remote, self.local)
        return mifpcap.EspSa(self.spi(i), self.cipher, self.key, self.salt,
                             self.auth, self.auth_key, self.mode,
                             outer[0], outer[1], seed=i + 1)

    def sas_cfg(self):
        out = []
        for i in range(self.n_sas):
            e = ['name = "b%d"' % i, "spi = %d" % self.spi(i),
                 'dir = "%s"' % self.dir, 'mode = "%s"' % self.mode,
                 'local = "%s"' % self.local, 'remote = "%s"' % self.remote,
                 'cipher = "%s"' % self.cipher,
                 'key = "%s"' % self.key.hex()]
            if self.salt:
                e.append('salt = "%s"' % self.salt.hex())
            if self.auth:
                e += ['auth = "%s"' % self.auth,
                      'auth_key = "%s"' % self.auth_key.hex()]
            if self.dir == "in":
                e.append("replay_window = 0")
            out.append("\t{ %s; }" % "; ".join(e))
        return "sas = (\n%s\n);\n" % ",\n".join(out)

    def policies_cfg(self):
        rules = []
        other = self.net["user"] if self.dir == "out" else self.net["core"]
        for i in range(self.n_sas):
            rules.append('\t{ dir = "%s"; src = "%s"; dst = "%s"; '
                         'action = "protect"; sa = "b%d"; }'
                         % (self.dir, _host(self.src, i, self.family),
                            other, i))
        # Fillers: hosts of a prefix no packet comes from.
        base = "172.16.0.0" if self.family == 4 else "2001:db8:ff::"
        for i in range(max(0, self.rules - self.n_sas)):
            rules.append('\t{ dir = "%s"; src = "%s"; dst = "%s"; '
                         'action = "discard"; }'
                         % (self.dir, _host(base, i, self.family),
                            self.net["any"]))
        return "policies = (\n%s\n);\n" % ",\n".join(rules)

    def flows(self):
        return mifpcap.Flows(max(1024, self.n_sas), self.src, self.dst,
                             1024, 5001, "udp", self.n_sas)

    def frames(self, size, src_mac, dst_mac):
        """The input frames: clear outbound, ESP inbound (packet j on SA
        j mod n)."""
        fl = self.flows()
        ips = mifpcap.clear_ip_packets(fl, [size], [0], fl.count)
        if self.dir == "out":
            return [mifpcap.frame(src_mac, dst_mac, ip) for ip in ips]
        sas = [self.peer_sa(i) for i in range(self.n_sas)]
        return [mifpcap.frame(src_mac, dst_mac, sas[j % len(sas)].encap(ip))
                for j, ip in enumerate(ips)]

    def out_frame_len(self, size):
        """Length of the frame mifgw should send for a clear frame of
        `size` bytes: ESP from the reference peer outbound, the clear
        frame inbound."""
        if self.dir == "in":
            return size
        ip = next(mifpcap.clear_ip_packets(self.flows(), [size], [0], 1))
        return 14 + len(self.peer_sa(0).encap(ip))
