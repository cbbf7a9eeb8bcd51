#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install whatever scripts/deps.txt lists and dpkg does not have yet.
# A second run with nothing missing only asks dpkg and returns.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/deps.txt}

mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

# One dpkg-query for the whole list; unknown packages go to stderr and
# simply do not appear as installed.
declare -A have=()
while read -r pkg status; do
	[ "$status" = installed ] && have[$pkg]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${want[@]}" 2>/dev/null || true)

missing=()
for pkg in "${want[@]}"; do
	[ -n "${have[$pkg]:-}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#want[@]} packages installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi

echo "deps: installing ${#missing[@]} missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer before it asks.
echo 'wireshark-common wireshark-common/install-setuid boolean false' |
	debconf-set-selections
apt-get update -q
apt-get install -y -q -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
echo "deps: done"
