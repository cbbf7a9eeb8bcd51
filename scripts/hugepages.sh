#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Reserve 2 MiB hugepages and mount hugetlbfs at /dev/hugepages for mifgw.
# Where that is impossible (a container without the sysctl, no root), say
# so and record the fallback: every mifgw that the harness and the demo
# start then runs with "--no-huge -m 512".
#
# The decision goes to $MIF_EAL_MODE_FILE (default /run/mifgw/eal-mode) as
# "huge" or "no-huge"; tests/integration/harness.py reads it, and the
# environment variable MIF_EAL_MODE overrides it.
set -uo pipefail

want=${MIF_HUGEPAGES:-512}
need=${MIF_HUGEPAGES_MIN:-128}	# below this many free pages, fall back
mnt=/dev/hugepages
state=${MIF_EAL_MODE_FILE:-/run/mifgw/eal-mode}

meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

record() {
	if mkdir -p "$(dirname "$state")" 2>/dev/null &&
	    echo "$1" >"$state" 2>/dev/null; then
		:
	else
		echo "hugepages: cannot write $state; export MIF_EAL_MODE=$1" >&2
	fi
}

fallback() {
	echo "hugepages: $1"
	echo "hugepages: FALLBACK: mifgw will run with --no-huge -m 512 (slower, same behaviour)"
	record no-huge
	exit 0
}

if [ "${MIF_EAL_MODE:-}" = no-huge ]; then
	fallback "MIF_EAL_MODE=no-huge set by the caller"
fi

[ "$(meminfo Hugepagesize)" = 2048 ] ||
	fallback "default hugepage size is $(meminfo Hugepagesize) kB, not 2048"

total=$(meminfo HugePages_Total)
if [ "${total:-0}" -lt "$want" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		fallback "only ${total:-0} hugepages reserved and not root"
	fi
	echo "$want" >/proc/sys/vm/nr_hugepages 2>/dev/null
	total=$(meminfo HugePages_Total)
	echo "hugepages: reserved $total of $want requested"
fi

if ! grep -qs "^[^ ]* $mnt hugetlbfs " /proc/mounts; then
	if [ "$(id -u)" -ne 0 ]; then
		fallback "hugetlbfs not mounted at $mnt and not root"
	fi
	mkdir -p "$mnt" && mount -t hugetlbfs -o pagesize=2M nodev "$mnt" ||
		fallback "cannot mount hugetlbfs at $mnt"
	echo "hugepages: mounted hugetlbfs at $mnt"
fi

free=$(meminfo HugePages_Free)
if [ "${free:-0}" -lt "$need" ]; then
	fallback "only ${free:-0} free hugepages (need $need)"
fi

echo "hugepages: $free of $total 2 MiB pages free, hugetlbfs at $mnt"
record huge
