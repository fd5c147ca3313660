#!/usr/bin/env bash
# A run folder's plan.conf re-runs as written (issue 10 section 5):
# `vpbench run --plan RUN/plan.conf` needs no editing, gets its own folder
# and run id, runs the same steps, and writes back the same plan; seconds
# are written as typed.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$VPBENCH" run -q -t host -w cpu.int,lock.tas -j 1,2 -r 1 -d 0.1 \
	--warmup 0.01 --counters none --no-report --run-id first \
	-o "$tmp/first" >/dev/null 2>"$tmp/first.err"
rc=$?
check "first run exits 0 (got $rc: $(cat "$tmp/first.err"))" test "$rc" -eq 0
plan="$tmp/first/plan.conf"
check "seconds written as typed" grep -qx "duration = 0.1" "$plan"
check "warm-up written as typed" grep -qx "warmup = 0.01" "$plan"
check "run folder not in the plan" bash -c "! grep -q '^output' '$plan'"
check "run id not in the plan" bash -c "! grep -q '^run-id' '$plan'"

mkdir "$tmp/cwd"
cd "$tmp/cwd" || exit 1
"$VPBENCH" run -q --plan "$plan" --no-report >/dev/null 2>"$tmp/second.err"
rc=$?
check "re-run of plan.conf exits 0 (got $rc: $(cat "$tmp/second.err"))" test "$rc" -eq 0
second=$(ls -d results/*/ 2>/dev/null | head -1)
check "re-run got its own folder" test -n "$second"
if [[ -n "$second" ]]; then
	check "re-run wrote the same plan" cmp "$plan" "$second/plan.conf"
	ids=$(csvq "$second/results.csv" 'sorted({r["run_id"] for r in rows})')
	check "re-run has a new run id ($ids)" bash -c "[[ '$ids' != *first* ]]"
	steps() {
		csvq "$1" 'sorted({(r["workload"], r["threads"], r["rep"]) for r in rows})'
	}
	check "re-run measured the same steps" test "$(steps "$tmp/first/results.csv")" = "$(steps "$second/results.csv")"
fi
finish
