#!/usr/bin/env bash
# Scheduled regression job: runs the suite, compares the new run with a
# stored baseline run folder, publishes report.html (baseline and new run
# side by side), a Markdown summary and JUnit XML, and fails on regression.
#
# usage: ci/regression-job.sh [--create-baseline] BASELINE_DIR [OUT_DIR]
#   --create-baseline  when BASELINE_DIR holds no run yet, store this run as
#                 the baseline and pass (the first scheduled job). Without
#                 it (and without VP_CREATE_BASELINE=1) a missing baseline
#                 is an error, exit 2: a lost cache must not turn every
#                 later job into a silent pass against itself.
#   BASELINE_DIR  a run folder (results.csv, env.csv) from an earlier run on
#                 the same machine.
#   OUT_DIR       where to put run/, report.html, summary.csv, summary.md,
#                 junit.xml (default: regression-out)
# environment:
#   VPBENCH           an already built vpbench (skips ci/setup.sh + build)
#   VP_RUN_ARGS       arguments of `vpbench run` (default below: host and
#                     1-/2-vCPU VMs, cpu/lock/io, 1 and 2 threads, 5 reps
#                     in random order)
#   VP_THRESHOLD      practical threshold in percent (default 5)
#   VP_ALPHA          significance level (default 0.05)
#   VP_CORRECTION     multiple-comparison correction: bh (default), holm,
#                     none (see vpbench compare --help)
#   VP_CREATE_BASELINE=1  the same as --create-baseline
#   VP_RUN_DIR        compare this existing run folder instead of running
#                     the suite (a run made by an earlier CI step)
#   GITHUB_STEP_SUMMARY  when set (GitHub Actions) the Markdown is appended
# exit status: 0 no regression; 1 a cell regressed or some run step failed;
# 2 bad input (unreadable baseline...); anything else: the job broke.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: ci/regression-job.sh [--create-baseline] BASELINE_DIR [OUT_DIR]"
create=${VP_CREATE_BASELINE:-0}
if [ "${1:-}" = --create-baseline ]; then
	create=1
	shift
fi
case "${1:-}" in
"" | -*) echo "$usage" >&2; exit 2 ;;
esac
baseline=$1
out=${2:-regression-out}
threshold=${VP_THRESHOLD:-5}
alpha=${VP_ALPHA:-0.05}
correction=${VP_CORRECTION:-bh}
if [ ! -e "$baseline/results.csv" ] && [ "$create" != 1 ]; then
	echo "regression-job: no baseline run at $baseline (no results.csv there):" \
		"nothing to compare with. Pass --create-baseline (or set" \
		"VP_CREATE_BASELINE=1) to store this run as the baseline." >&2
	exit 2
fi
# --order random: each cell's reps are spread over the run, so their spread
# includes the machine's slow drift and compare does not read that drift
# as a change of the code (reports/README.md, "compare").
read -r -a run_args <<<"${VP_RUN_ARGS:--t host,vm1,vm2 -w cpu,lock,io -j 1,2 -r 5 -d 1 --order random}"

if [ -z "${VPBENCH:-}" ]; then
	bash "$here/ci/setup.sh" || exit 3
	bash "$here/ci/fetch-guest-kernel.sh" || echo "regression-job: no guest kernel fetched; VM targets may be unavailable" >&2
	bash "$here/ci/build.sh" "$here/build" || exit 3
	VPBENCH=$here/build/vpbench
fi
mkdir -p "$out" || exit 3
rm -rf "$out/run"

if [ -n "${VP_RUN_DIR:-}" ]; then
	echo "regression-job: using the existing run $VP_RUN_DIR"
	cp -r "$VP_RUN_DIR" "$out/run" || exit 3
	run_rc=0
else
	echo "regression-job: vpbench run ${run_args[*]} -o $out/run"
	"$VPBENCH" run "${run_args[@]}" -o "$out/run"
	run_rc=$?
fi
if [ ! -s "$out/run/results.csv" ]; then
	echo "regression-job: the run produced no results (exit $run_rc)" >&2
	exit 3
fi

if [ ! -e "$baseline/results.csv" ]; then
	echo "regression-job: no baseline at $baseline yet: storing this run as the baseline"
	mkdir -p "$baseline" || exit 3
	cp "$out/run/results.csv" "$out/run/env.csv" "$baseline/" || exit 3
	[ -e "$out/run/plan.conf" ] && cp "$out/run/plan.conf" "$baseline/"
	"$VPBENCH" report "$out/run" -o "$out/report.html" \
		--summary "$out/summary.csv" >/dev/null
	printf '## vpbench regression job\n\nNo baseline yet: this run (%s) is now the baseline.\n' \
		"$out/run" >"$out/summary.md"
	[ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
	exit "$([ $run_rc -eq 0 ] && echo 0 || echo 1)"
fi

# Baseline and new run side by side in one report (labels baseline/<t>
# and run/<t> come from the folder names).
"$VPBENCH" report "$baseline" "$out/run" -o "$out/report.html" \
	--summary "$out/summary.csv" || echo "regression-job: merged report failed" >&2

"$VPBENCH" compare "$baseline" "$out/run" --threshold "$threshold" \
	--alpha "$alpha" --correction "$correction" \
	--markdown "$out/summary.md" --junit "$out/junit.xml"
cmp_rc=$?
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$out/summary.md" ] &&
	cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
echo "regression-job: report $out/report.html, summary $out/summary.md, JUnit $out/junit.xml"
if [ $cmp_rc -ne 0 ]; then
	echo "regression-job: compare exited $cmp_rc ($([ $cmp_rc -eq 1 ] && echo regression || echo 'bad input'))" >&2
	exit $cmp_rc
fi
if [ $run_rc -ne 0 ]; then
	echo "regression-job: no regression, but vpbench run exited $run_rc (some steps failed)" >&2
	exit 1
fi
exit 0
