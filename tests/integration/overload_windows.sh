#!/usr/bin/env bash
# Overload: 8 threads squeezed onto one CPU with a 10 ms window, so most
# threads wait several scheduler slices before they first run. Every step
# must still give each thread a real window: no ok row with a throughput,
# per-thread minimum or fairness of 0 (an empty window is not a rate of 0),
# wall_s at least the duration. Before the clock waited for late threads,
# nearly every 8-thread step here wrote fairness=0 and
# ops_per_s_thread_min=0 with status ok.
set -u
. "$(dirname "$0")/lib.bash"
command -v taskset >/dev/null || skip "taskset (util-linux) not installed"
tmp=$(mktemp -d /var/tmp/vp-int.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

taskset -c 0 "$VPBENCH" run -t host -w cpu.int,lock.tas -j 1,8 -r 3 \
	-d 0.01 --warmup 0 --counters none --no-report -o "$tmp/run" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
check "overloaded run exits 0 (got $rc: $(tail -2 "$tmp/err"))" test "$rc" -eq 0
if python3 - "$tmp/run/results.csv" <<'PY'; then pass; else fail "empty windows under overload"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
ok = [r for r in rows if r["status"] == "ok"]
zero = [r for r in ok if r["metric"] in
        ("ops_per_s", "ops_per_s_thread_min", "fairness")
        and float(r["value"]) == 0]
short = [r for r in ok if r["metric"] == "wall_s" and float(r["value"]) < 0.0099]
for r in zero + short:
    print("  %s -j %s rep %s: %s = %s (ok)" % (r["workload"], r["threads"],
          r["rep"], r["metric"], r["value"]), file=sys.stderr)
steps = {(r["workload"], r["threads"], r["rep"]) for r in ok
         if r["metric"] == "ops_per_s"}
assert len(steps) == 2 * 2 * 3, f"{len(steps)} of 12 steps measured"
assert not zero and not short
PY
finish
