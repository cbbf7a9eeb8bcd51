#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: test_install.sh BUILD_DIR PREFIX SYSCONFDIR
#
# `meson install --destdir` into a temporary directory, then check what an
# operator gets: the binary, the example configuration (which the
# installed binary must accept with --check), the systemd unit with its
# key lines and paths that match the prefix, and the documentation.
# `systemd-analyze verify` runs on the unit when the tool exists.
set -u

build=$1
prefix=$2
sysconfdir=$3
case $sysconfdir in
/*) etc=$sysconfdir ;;
*) etc=$prefix/$sysconfdir ;;
esac

fails=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() {
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what"; fi
}

dest=$(mktemp -d /tmp/mif-install-XXXXXX) || exit 1
trap 'rm -rf "$dest"' EXIT INT TERM

if ! meson install -C "$build" --destdir "$dest" --no-rebuild \
	>"$dest.log" 2>&1; then
	cat "$dest.log"
	rm -f "$dest.log"
	echo "FAIL meson install --destdir"
	exit 1
fi
rm -f "$dest.log"
ok "meson install --destdir $dest"

bin=$dest$prefix/bin/mifgw
example=$dest$etc/mifgw/mifgw.cfg.example
unit=$dest$prefix/lib/systemd/system/mifgw.service
doc=$dest$prefix/share/doc/mifgw

check "binary $prefix/bin/mifgw is executable" test -x "$bin"
check "example config $etc/mifgw/mifgw.cfg.example" test -s "$example"
check "no live config installed (never overwrite mifgw.cfg)" \
	test ! -e "$dest$etc/mifgw/mifgw.cfg"
check "systemd unit $prefix/lib/systemd/system/mifgw.service" \
	test -s "$unit"
check "docs/deployment.md installed" test -s "$doc/deployment.md"
check "docs/configuration.md installed" test -s "$doc/configuration.md"

# The installed binary accepts the installed example (no EAL, no ports).
out=$("$bin" -- -f "$example" --check 2>&1)
case $out in
*"configuration OK"*) ok "installed mifgw --check accepts the example" ;;
*) fail "installed mifgw --check on the example: $out" ;;
esac
# ... and refuses a broken one, so the unit's pre-start check can fail.
printf 'workers = [ 1 ];\nports = ( { name = "x"; } );\n' \
	>"$dest/broken.cfg"
if "$bin" -- -f "$dest/broken.cfg" --check >/dev/null 2>&1; then
	fail "installed mifgw --check accepted a broken file"
else
	ok "installed mifgw --check refuses a broken file"
fi

# Key lines of the unit, with the paths of this prefix.
cfg=$etc/mifgw/mifgw.cfg
for line in \
	"Type=simple" \
	"ExecStartPre=$prefix/bin/mifgw -- -f $cfg --check" \
	"ExecStart=$prefix/bin/mifgw -- -f $cfg" \
	"Restart=on-failure" \
	"After=dev-hugepages.mount network-pre.target" \
	"Wants=dev-hugepages.mount" \
	"ConditionPathExists=$cfg" \
	"WantedBy=multi-user.target"; do
	check "unit has '$line'" grep -qxF "$line" "$unit"
done
check "unit has no unreplaced @VAR@" sh -c "! grep -q '@[A-Z]*@' '$unit'"

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants the ExecStart binary at its path, and --root would
	# hide the host's sysinit.target: point the paths into the destdir.
	# It exits 0 on unknown keys and bad values, so any output fails.
	mkdir "$dest/verify"
	sed "s#\([= ]\)$prefix/#\1$dest$prefix/#g; s#\([= ]\)$etc/#\1$dest$etc/#g" \
		"$unit" >"$dest/verify/mifgw.service"
	if vout=$(systemd-analyze verify --man=no --generators=no \
		"$dest/verify/mifgw.service" 2>&1) && [ -z "$vout" ]; then
		ok "systemd-analyze verify: clean"
	else
		fail "systemd-analyze verify: $vout"
	fi
else
	echo "skip systemd-analyze verify: tool not installed"
fi

if [ "$fails" -ne 0 ]; then
	echo "install: $fails check(s) failed"
	exit 1
fi
echo "install: all checks passed"
