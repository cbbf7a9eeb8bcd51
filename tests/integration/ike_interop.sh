#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Run tests/integration/ike_interop (an initiator made of the IKE wire and
# crypto core) against strongSwan's charon as responder: IKE_SA_INIT,
# IKE_AUTH with a PSK, INFORMATIONAL delete. charon runs in a namespace of
# its own with its own strongswan.conf and a private /run (unshare -m);
# names carry the pid and everything is removed on exit.
#
# Usage: ike_interop.sh IKE_INTEROP_BINARY gcm|cbc|badpsk|respond
#   badpsk: our PSK is wrong; charon must answer AUTHENTICATION_FAILED.
#   respond: charon initiates (swanctl --initiate) and the tool answers.
set -eu

tool=$1
encr=$2
tag=$(( $$ % 100000 ))
nsa=ikeiA$tag
nsb=ikeiB$tag
va=ikia$tag
vb=ikib$tag
tmp=$(mktemp -d /tmp/ikeinterop.XXXXXX)
psk=interop-$tag-secret

cleanup() {
	rc=$?
	if [ -s "$tmp/charon.pid" ]; then
		kill "$(cat "$tmp/charon.pid")" 2>/dev/null || true
		sleep 0.2
	fi
	if { [ $rc -ne 0 ] || [ -n "${IKE_INTEROP_LOG:-}" ]; } &&
	    [ -f "$tmp/charon.log" ]; then
		echo "--- charon log ---" >&2
		tail -40 "$tmp/charon.log" >&2
	fi
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT INT TERM

ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$nsa"
ip link set "$vb" netns "$nsb"
ip -n "$nsa" addr add 10.232.0.1/24 dev "$va"
ip -n "$nsb" addr add 10.232.0.2/24 dev "$vb"
# The protected net behind charon, so that kernel-libipsec finds a
# source address for the route it installs through its TUN device.
ip -n "$nsb" addr add 10.2.0.1/24 dev lo
for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up; done
ip -n "$nsa" link set "$va" up
ip -n "$nsb" link set "$vb" up

mkdir "$tmp/run"
cat >"$tmp/strongswan.conf" <<CONF
charon {
	load = random nonce openssl hmac gcm kdf socket-default kernel-libipsec kernel-netlink vici
	install_routes = no
	filelog {
		interop {
			path = $tmp/charon.log
			flush_line = yes
			default = 1
			ike = 2
			enc = 1
		}
	}
}
CONF
cat >"$tmp/swanctl.conf" <<CONF
connections {
	interop {
		version = 2
		local_addrs = 10.232.0.2
		remote_addrs = 10.232.0.1
		proposals = aes256gcm16-prfsha256-ecp256, aes256-sha256-ecp256
		local {
			auth = psk
			id = gw.example.org
		}
		remote {
			auth = psk
			id = client@example.org
		}
		children {
			c {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-interop {
		id-1 = gw.example.org
		id-2 = client@example.org
		secret = $psk
	}
}
CONF

initiate=
if [ "$encr" = respond ]; then
	ip netns exec "$nsa" "$tool" 10.232.0.1 10.232.0.2 "$psk" gcm \
		respond >"$tmp/tool.out" 2>&1 &
	tpid=$!
	initiate="STRONGSWAN_CONF='$tmp/strongswan.conf' swanctl --initiate \
		--child c --timeout 10 >'$tmp/initiate.out' 2>&1; \
		echo \$? >'$tmp/initiate.rc'"
fi
ip netns exec "$nsb" unshare -m sh -c "
	mount --bind '$tmp/run' /run
	STRONGSWAN_CONF='$tmp/strongswan.conf' /usr/lib/ipsec/charon \
		>/dev/null 2>&1 &
	echo \$! >'$tmp/charon.pid'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S /run/charon.vici ] && break
		sleep 0.3
	done
	STRONGSWAN_CONF='$tmp/strongswan.conf' swanctl --load-all \
		--file '$tmp/swanctl.conf' >/dev/null 2>&1
	$initiate
"
if [ "$encr" = respond ]; then
	trc=0
	wait "$tpid" || trc=$?
	cat "$tmp/tool.out"
	[ "$trc" -eq 0 ] || { echo "ike_interop failed ($trc)" >&2; exit 1; }
	[ "$(cat "$tmp/initiate.rc")" = 0 ] || {
		echo "swanctl --initiate failed:" >&2
		tail -5 "$tmp/initiate.out" >&2
		exit 1
	}
	grep -q "CHILD_SA c{[0-9]*} established" "$tmp/charon.log" || {
		echo "charon did not establish the CHILD_SA" >&2
		exit 1
	}
	echo "charon (initiator): IKE_SA and CHILD_SA established with us"
	exit 0
fi
if [ "$encr" = badpsk ]; then
	ip netns exec "$nsa" "$tool" 10.232.0.1 10.232.0.2 "not-$psk" gcm \
		authfail
	grep -q "MAC mismatched" "$tmp/charon.log" || {
		echo "charon did not report the PSK mismatch" >&2
		exit 1
	}
	echo "charon: PSK mismatch detected, IKE_AUTH refused"
	exit 0
fi
ip netns exec "$nsa" "$tool" 10.232.0.1 10.232.0.2 "$psk" "$encr"
# charon must have logged the IKE SA as established with our identity.
grep -q "IKE_SA interop\[[0-9]*\] established" "$tmp/charon.log" || {
	echo "charon did not establish the IKE SA" >&2
	exit 1
}
grep -q "CHILD_SA c{[0-9]*} established" "$tmp/charon.log" || {
	echo "charon did not establish the CHILD_SA" >&2
	exit 1
}
grep -q "received DELETE for IKE_SA interop" "$tmp/charon.log" || {
	echo "charon did not take our DELETE" >&2
	exit 1
}
echo "charon: IKE_SA and CHILD_SA established with client@example.org," \
	"then deleted ($encr)"
