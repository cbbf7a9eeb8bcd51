#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# build.sh release|debug: configure the build directory once, then compile.
#   release  $BUILD (default build), the options of meson.build
#   debug    $DEBUG_BUILD (default build-debug), ASan+UBSan, -O0 -g
set -euo pipefail

cd "$(dirname "$0")/.."

case ${1:-release} in
release)
	dir=${BUILD:-build}
	opts=()
	;;
debug)
	dir=${DEBUG_BUILD:-build-debug}
	# b_lundef=false: the sanitizer runtimes resolve symbols at load time.
	opts=(-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false)
	;;
*)
	echo "usage: $0 release|debug" >&2
	exit 2
	;;
esac

if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "${opts[@]}"
elif [ ${#opts[@]} -gt 0 ]; then
	meson configure "$dir" "${opts[@]}" >/dev/null
fi
ninja -C "$dir"
