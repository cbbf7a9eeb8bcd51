#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What "make test" runs after deps and hugepages: every suite in the
# release build, then the unit and integration suites again in the
# ASan+UBSan build, then the fuzz suite in a clang build of the libFuzzer
# harnesses (scripts/fuzz.sh), then one "N passed, N failed" line over all.
#
#   MIF_FUZZ=0           skip the fuzz suite
#   MIF_SANITIZE=0       skip the sanitizer run
#   MIF_SANITIZE_BUDGET  seconds already spent after which the sanitizer run
#                        is skipped (default 1200; CI allows 5400 in all)
set -uo pipefail

cd "$(dirname "$0")/.."
release=${BUILD:-build}
debug=${DEBUG_BUILD:-build-debug}
budget=${MIF_SANITIZE_BUDGET:-1200}
logs=()
fails=()

section() {
	printf '\n==== %s (%ds elapsed) ====\n' "$1" "$SECONDS"
}

section "release build: $release"
if scripts/build.sh release; then
	section "release tests: all suites"
	meson test -C "$release" --print-errorlogs
	logs+=("release=$release/meson-logs/testlog.json")
else
	fails+=(--fail "release build")
fi

if [ "${MIF_SANITIZE:-1}" = 0 ]; then
	section "sanitizer run skipped: MIF_SANITIZE=0"
elif [ "$SECONDS" -gt "$budget" ]; then
	section "sanitizer run skipped: ${SECONDS}s spent, budget ${budget}s"
else
	section "sanitizer build (ASan+UBSan): $debug"
	if scripts/build.sh debug; then
		section "sanitizer tests: unit, integration"
		# Slower under ASan: double every timeout.
		meson test -C "$debug" --suite unit --suite integration \
			--print-errorlogs -t 2
		logs+=("sanitizer=$debug/meson-logs/testlog.json")
	else
		fails+=(--fail "sanitizer build")
	fi
fi

# The libFuzzer harnesses need clang: a third, small build of only them.
if [ "${MIF_FUZZ:-1}" = 0 ]; then
	section "fuzz run skipped: MIF_FUZZ=0"
else
	section "fuzz build (clang): ${FUZZ_BUILD:-build-fuzz}"
	if scripts/fuzz.sh build; then
		section "fuzz tests: regression inputs, fixed executions"
		meson test -C "${FUZZ_BUILD:-build-fuzz}" --suite fuzz \
			--no-rebuild --print-errorlogs
		logs+=("fuzz=${FUZZ_BUILD:-build-fuzz}/meson-logs/testlog.json")
	else
		fails+=(--fail "fuzz build")
	fi
fi

section "summary"
exec /usr/bin/python3 scripts/test-summary.py "${logs[@]}" "${fails[@]}"
