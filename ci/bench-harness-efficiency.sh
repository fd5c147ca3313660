#!/usr/bin/env bash
# Harness efficiency of a vpbench run: seconds spent measuring (the sum of
# the ok wall_s rows, one per workload x threads x rep step) divided by the
# wall seconds of the whole `vpbench run`, overall and per target, and where
# the rest went, per target and phase (deploy, guest boot, agent start,
# step set-up, warm-up, the rest of each step's run, rows, power-off), from
# the run's phase log (VPBENCH_PHASE_LOG; ci/phase-breakdown.py). Without
# arguments it runs the default matrix (host,vm1,vm2,vm4 x cpu,lock,io,sched
# x threads 1,2,4 x 3 reps of 0.5 s) with its report, as the main job does;
# extra arguments go to `vpbench run` (e.g. -r 1 -d 0.5 for a quick look).
# Target: >= 0.90 under TCG here. The machine's load average before and
# after is printed: other processes slow guest boots and agents most.
#
# Usage: VPBENCH=build/vpbench bash ci/bench-harness-efficiency.sh [run args]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
VPBENCH=${VPBENCH:-$here/build/vpbench}
source "$here/ci/bench-lib.bash"
bench_init bench-harness-efficiency
bench_workdir /tmp eff
target=0.90

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s.%N)
set +e
VPBENCH_PHASE_LOG="$work/phases.log" "$VPBENCH" run -o "$work/run" -q "$@" \
	>"$work/log.txt" 2>&1
rc=$?
set -e
t1=$(date +%s.%N)
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
res="$work/run/results.csv"
[[ -f "$res" ]] || { cat "$work/log.txt"; echo "no results.csv" >&2; exit 1; }

accel=$(awk -F, '$2 == "accel" && $3 != "none" { print $3; exit }' "$work/run/env.csv")
warmup=$(awk -F, '$2 == "warmup_s" { print $3; exit }' "$work/run/env.csv")
echo "vpbench run $* -> exit $rc, wall ${wall} s, accelerator ${accel:-none}"
echo "load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg) (2 CPUs: $(nproc))"
python3 "$here/ci/phase-breakdown.py" "$work/phases.log" "$res" "${warmup:-0}" "$wall"
measured=$(awk -F, 'FNR > 1 && $12 == "wall_s" && $15 == "ok" { s += $13 } END { printf "%.3f", s }' "$res")
eff=$(awk -v m="$measured" -v w="$wall" 'BEGIN { printf "%.3f", m / w }')
echo "measured ${measured} s of ${wall} s wall: efficiency ${eff} (target >= $target)"
awk -v e="$eff" -v t="$target" 'BEGIN { exit !(e >= t) }' && echo "verdict: ok" || { echo "verdict: below target"; exit 1; }
