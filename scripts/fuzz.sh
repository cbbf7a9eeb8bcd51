#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# fuzz.sh build|ci|run [HARNESS...]: the libFuzzer harnesses of
# tests/fuzz, built by clang in their own directory.
#   build  configure $FUZZ_BUILD (default build-fuzz) with clang, compile
#          only the harnesses (the rest of the project is not needed)
#   ci     build, then the meson suite 'fuzz': each harness replays its
#          regression inputs and runs a fixed number of executions on
#          its seed corpus (what "make test" runs)
#   run    build, then run each harness for $FUZZ_SECONDS (default 600)
#          in turn, one line of figures per harness, crash inputs kept
#          under $FUZZ_WORK/artifacts (default $FUZZ_BUILD/fuzz-work)
# HARNESS names: tests/fuzz/fuzz_<name>.c (cfg, cli, esp_inb, fwd, ike_msg,
# mif_ext, spd); none means all.
# Exit status: 0 when every harness ran without a crash.
set -uo pipefail

cd "$(dirname "$0")/.."
dir=${FUZZ_BUILD:-build-fuzz}
seconds=${FUZZ_SECONDS:-600}
work=${FUZZ_WORK:-$dir/fuzz-work}
# Every harness there is: tests/fuzz/fuzz_<name>.c.
all=()
for f in tests/fuzz/fuzz_*.c; do
	f=${f##*/fuzz_}
	all+=("${f%.c}")
done

build() {
	if ! command -v clang >/dev/null; then
		echo "fuzz.sh: clang is missing (apt-get install clang)" >&2
		return 1
	fi
	if [ ! -f "$dir/build.ninja" ]; then
		CC=clang meson setup "$dir" -Dintegration=false >/dev/null ||
			return 1
	fi
	ninja -C "$dir" "${@/#/tests/fuzz/fuzz_}"
}

# Seed directories and options of one harness, besides its corpus.
extra_args() {
	case $1 in
	cfg)
		echo "tests/configs config -dict=tests/fuzz/cfg.dict" ;;
	esac
}

# Figures from libFuzzer's log: the last status line and -print_final_stats.
figures() {
	local log=$1 execs rate cov ft corp

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	read -r cov ft corp < <(grep -E '^#[0-9]+' "$log" | tail -1 |
		sed -E 's/.*cov: ([0-9]+).*ft: ([0-9]+).*corp: ([0-9]+).*/\1 \2 \3/')
	printf 'execs %s exec/s %s edges %s features %s corpus %s' \
		"${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
}

run_one() {
	local h=$1 exe=$dir/tests/fuzz/fuzz_$1 corpus=$work/corpus_$1
	local log=$work/fuzz_$1.log seeds=() crashes rc

	mkdir -p "$corpus" "$work/artifacts"
	[ -d "tests/fuzz/corpus_$h" ] && seeds+=("tests/fuzz/corpus_$h")
	# shellcheck disable=SC2207
	seeds+=($(extra_args "$h"))
	"$exe" "$corpus" "${seeds[@]}" -max_total_time="$seconds" \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" \
		>"$log" 2>&1
	rc=$?
	crashes=$(find "$work/artifacts" -name "$h-*" | wc -l)
	printf '%-8s %s crashes %s (exit %d, log %s)\n' "$h" \
		"$(figures "$log")" "$crashes" "$rc" "$log"
	[ "$rc" = 0 ] && [ "$crashes" = 0 ]
}

mode=${1:-run}
shift
[ $# -gt 0 ] && set -- "$@" || set -- "${all[@]}"
case $mode in
build)
	build "$@"
	;;
ci)
	build "$@" || exit 1
	meson test -C "$dir" --suite fuzz --no-rebuild --print-errorlogs
	;;
run)
	build "$@" || exit 1
	bad=0
	for h in "$@"; do
		run_one "$h" || bad=1
	done
	exit $bad
	;;
*)
	echo "usage: $0 build|ci|run [${all[*]}]..." >&2
	exit 2
	;;
esac
