#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# fuzz_test.sh EXE REGRESS_DIR RUNS [SEED_DIR|-option]...: the meson suite
# 'fuzz'. First every file in REGRESS_DIR (inputs that once crashed the
# harness) is run once; then RUNS executions from the seed directories
# with a fixed seed. New inputs go to a temporary directory, never to the
# source tree. Any crash, leak or sanitizer report fails the test.
set -eu

exe=$1
regress=$2
runs=$3
shift 3
tmp=$(mktemp -d /tmp/mif-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
	echo "replaying $(ls "$regress" | wc -l) regression inputs"
	"$exe" -artifact_prefix="$tmp/" "$regress"/*
fi
"$exe" "$tmp" "$@" -runs="$runs" -seed=1 -artifact_prefix="$tmp/" \
	-print_final_stats=1
