#!/usr/bin/env bash
# Scheduled regression job on the results history: runs the suite, imports
# the new run into the history database, checks every series for change
# points (vpbench history check), publishes report.html (the new run with a
# trend chart per headline cell), a Markdown summary and JUnit XML, and
# fails when a series has a change point at the newest runs that is worse
# beyond the threshold. The baseline of that verdict is the series since its
# last change point, not one earlier run, so the machine's drift from one
# run to the next is not read as a change of the code.
#
# usage: ci/regression-job.sh [--create-history] DB [OUT_DIR]
#   --create-history  when DB (a file) does not exist yet, create it with
#                 this run as its first (the first scheduled job). Without it
#                 (and without VP_CREATE_HISTORY=1) a missing history is an
#                 error, exit 2: a lost cache must not turn the job into a
#                 silent pass on a series of one run.
#   DB            the history: an SQLite file kept between jobs (a CI cache)
#                 or postgresql://... shared by a fleet of runners.
#   OUT_DIR       where to put run/, report.html, summary.csv, summary.md,
#                 junit.xml (default: regression-out)
# environment:
#   VPBENCH           an already built vpbench (skips ci/setup.sh + build)
#   VP_RUN_ARGS       arguments of `vpbench run` (default below: host and
#                     1-/2-vCPU VMs, cpu/lock/io, 1 and 2 threads, 5 reps,
#                     interleaved)
#   VP_HOST_LABEL     the series' host label (default: the machine's name);
#                     name a fleet's runners by kind, e.g. kvm-epyc-2cpu
#   VP_THRESHOLD      a smaller shift is not a regression, percent (5)
#   VP_ALPHA          significance of the permutation test (0.05)
#   VP_CORRECTION     over all series: bh (default), holm, none
#   VP_CHECK_ARGS     more `vpbench history check` options (--since,
#                     --metric, --min-size, --newest-runs, --seed ...)
#   VP_CREATE_HISTORY=1  the same as --create-history
#   VP_RUN_DIR        import and check this existing run folder instead of
#                     running the suite (a run made by an earlier CI step)
#   GITHUB_STEP_SUMMARY  when set (GitHub Actions) the Markdown is appended
# exit status: 0 no regression at the newest runs; 1 a regression there or
# some run step failed; 2 bad input (no history, a run the history
# refused...); anything else: the job broke.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: ci/regression-job.sh [--create-history] DB [OUT_DIR]"
create=${VP_CREATE_HISTORY:-0}
if [ "${1:-}" = --create-history ]; then
	create=1
	shift
fi
case "${1:-}" in
"" | -*) echo "$usage" >&2; exit 2 ;;
esac
db=$1
out=${2:-regression-out}
is_uri=0
case "$db" in postgresql://* | postgres://*) is_uri=1 ;; esac
if [ $is_uri = 0 ] && [ ! -e "$db" ] && [ "$create" != 1 ]; then
	echo "regression-job: no history database at $db: nothing to check" \
		"against. Pass --create-history (or set VP_CREATE_HISTORY=1)" \
		"to start one with this run." >&2
	exit 2
fi
read -r -a run_args <<<"${VP_RUN_ARGS:--t host,vm1,vm2 -w cpu,lock,io -j 1,2 -r 5 -d 1}"
read -r -a check_args <<<"${VP_CHECK_ARGS:-}"
host_args=()
[ -n "${VP_HOST_LABEL:-}" ] && host_args=(--host "$VP_HOST_LABEL")

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
	# More than one rep: run interleaves each target's cells in seeded
	# random rounds by default, so a cell's spread covers the run's drift.
	echo "regression-job: vpbench run ${run_args[*]} -o $out/run"
	"$VPBENCH" run "${run_args[@]}" -o "$out/run"
	run_rc=$?
fi
if [ ! -s "$out/run/results.csv" ]; then
	echo "regression-job: the run produced no results (exit $run_rc)" >&2
	exit 3
fi

"$VPBENCH" history import --db "$db" "${host_args[@]}" "$out/run" || {
	echo "regression-job: the history did not take the run (see above): nothing checked" >&2
	exit 2
}

"$VPBENCH" history check --db "$db" --threshold "${VP_THRESHOLD:-5}" \
	--alpha "${VP_ALPHA:-0.05}" --correction "${VP_CORRECTION:-bh}" \
	"${check_args[@]}" --markdown "$out/summary.md" --junit "$out/junit.xml"
check_rc=$?
"$VPBENCH" report "$out/run" --history "$db" -o "$out/report.html" \
	--summary "$out/summary.csv" >/dev/null || echo "regression-job: report failed" >&2
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$out/summary.md" ] &&
	cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
echo "regression-job: report $out/report.html, summary $out/summary.md, JUnit $out/junit.xml"
if [ $check_rc -ne 0 ]; then
	echo "regression-job: history check exited $check_rc ($([ $check_rc -eq 1 ] && echo 'regression at the newest runs' || echo 'bad input'))" >&2
	exit $check_rc
fi
if [ $run_rc -ne 0 ]; then
	echo "regression-job: no regression, but vpbench run exited $run_rc (some steps failed)" >&2
	exit 1
fi
exit 0
