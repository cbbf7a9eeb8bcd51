#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Capture one real IKE_SA_INIT request from strongSwan's charon and write
# it as a C array (default tests/unit/ike_strongswan_init.h), used by
# test_ike_msg and as a fuzz seed, or as raw bytes when OUT ends in .bin
# (the integration test ike_strongswan_init does that and parses it with
# test_ike_msg FILE). Needs root.
#
# charon runs in a network namespace of its own, with its own
# strongswan.conf (STRONGSWAN_CONF) and a private /run bind-mounted under
# `unshare -m`, because its pid file and vici socket paths are fixed. It
# initiates to an address in a second namespace where a python socket
# receives the UDP 500 datagram. Every name carries the pid, and the trap
# removes the namespaces and stops charon even when something fails.
#
# Usage: tests/unit/ike_capture.sh [OUT.h] [PROPOSALS]
set -eu

out=${1:-tests/unit/ike_strongswan_init.h}
props=${2:-aes256-sha256-ecp256,aes128gcm16-prfsha256-ecp256-curve25519,default}
tag=$(( $$ % 100000 ))
nsa=ikecapA$tag
nsb=ikecapB$tag
va=ikca$tag
vb=ikcb$tag
tmp=$(mktemp -d /tmp/ikecap.XXXXXX)

cleanup() {
	if [ -s "$tmp/charon.pid" ]; then
		kill "$(cat "$tmp/charon.pid")" 2>/dev/null || true
	fi
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$nsa"
ip link set "$vb" netns "$nsb"
ip -n "$nsa" addr add 10.231.0.1/24 dev "$va"
ip -n "$nsb" addr add 10.231.0.2/24 dev "$vb"
for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up; done
ip -n "$nsa" link set "$va" up
ip -n "$nsb" link set "$vb" up

# The receiver: one datagram on UDP 500, printed as hex.
ip netns exec "$nsb" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.231.0.2", 500))
s.settimeout(20)
print(s.recv(65535).hex())
' >"$tmp/pkt.hex" &
rpid=$!
sleep 0.5

mkdir "$tmp/run"
cat >"$tmp/strongswan.conf" <<EOF
charon {
	load = random nonce openssl hmac gcm kdf socket-default kernel-netlink vici
	install_routes = no
	retransmit_tries = 0
	filelog {
		cap { path = $tmp/charon.log; default = 1 }
	}
}
EOF
cat >"$tmp/swanctl.conf" <<EOF
connections {
	cap {
		version = 2
		local_addrs = 10.231.0.1
		remote_addrs = 10.231.0.2
		proposals = $props
		local {
			auth = psk
			id = client@example.org
		}
		remote {
			auth = psk
			id = gw.example.org
		}
		children {
			c {
				local_ts = 10.1.0.0/24
				remote_ts = 10.2.0.0/24
			}
		}
	}
}
secrets {
	ike-cap {
		id = gw.example.org
		secret = capture-only
	}
}
EOF

ip netns exec "$nsa" unshare -m sh -c "
	mount --bind '$tmp/run' /run
	STRONGSWAN_CONF='$tmp/strongswan.conf' /usr/lib/ipsec/charon &
	echo \$! >'$tmp/charon.pid'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S /run/charon.vici ] && break
		sleep 0.3
	done
	STRONGSWAN_CONF='$tmp/strongswan.conf' swanctl --load-all \
		--file '$tmp/swanctl.conf' >/dev/null 2>&1
	STRONGSWAN_CONF='$tmp/strongswan.conf' swanctl --initiate --ike cap \
		--timeout 2 >/dev/null 2>&1 || true
"
wait "$rpid"
hex=$(cat "$tmp/pkt.hex")
[ -n "$hex" ] || { echo "no IKE_SA_INIT captured" >&2; exit 1; }

# The KE group is at a known place only after parsing; let python find
# it by walking the payload chain for the header's define.
ver=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null || echo '?')
/usr/bin/python3 - "$hex" "$out" "$ver" <<'EOF'
import sys
b = bytes.fromhex(sys.argv[1])
np, off, group = b[16], 28, 0
while np and off + 4 <= len(b):
	nxt, ln = b[off], int.from_bytes(b[off + 2:off + 4], 'big')
	if np == 34:
		group = int.from_bytes(b[off + 4:off + 6], 'big')
	np, off = nxt, off + ln
if sys.argv[2].endswith('.bin'):
	open(sys.argv[2], 'wb').write(b)
	print('captured %d bytes, KE group %d -> %s' % (len(b), group, sys.argv[2]))
	sys.exit(0)
rows = []
for i in range(0, len(b), 12):
	rows.append('\t' + ' '.join('0x%02x,' % c for c in b[i:i + 12]))
with open(sys.argv[2], 'w') as f:
	f.write('/* SPDX-License-Identifier: BSD-3-Clause */\n')
	f.write('/* IKE_SA_INIT request sent by strongSwan charon %s, captured\n'
		' * by tests/unit/ike_capture.sh (%d bytes). Data, not code. */\n'
		% (sys.argv[3], len(b)))
	f.write('#ifndef MIF_TEST_IKE_STRONGSWAN_INIT_H\n')
	f.write('#define MIF_TEST_IKE_STRONGSWAN_INIT_H\n\n#include <stdint.h>\n\n')
	f.write('#define IKE_STRONGSWAN_INIT_GROUP %d\n\n' % group)
	f.write('static const uint8_t ike_strongswan_init[] = {\n')
	f.write('\n'.join(rows) + '\n};\n\n#endif\n')
print('captured %d bytes, KE group %d -> %s' % (len(b), group, sys.argv[2]))
EOF
