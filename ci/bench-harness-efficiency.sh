#!/usr/bin/env bash
# Harness efficiency of a vpbench run: seconds spent measuring (the sum of
# the ok wall_s rows, one per workload x threads x rep step) divided by the
# wall seconds of the whole `vpbench run`, overall and per target. Without
# arguments it runs the default matrix (host,vm1,vm2,vm4 x cpu,lock,io,sched x
# threads 1,2,4); extra arguments go to `vpbench run` (e.g. -r 1 -d 0.5 for a
# quick look). Target: >= 0.75 under TCG here. Also prints where the rest
# went: guest boot (env.csv boot_s) and everything else.
#
# Usage: VPBENCH=build/vpbench bash ci/bench-harness-efficiency.sh [run args]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
vpbench=${VPBENCH:-$here/build/vpbench}
[[ -x "$vpbench" ]] || { echo "build vpbench first (or set VPBENCH)" >&2; exit 2; }
out=$(mktemp -d /tmp/vpbench-bench-eff.XXXXXX)
trap 'rm -rf "$out"' EXIT

t0=$(date +%s.%N)
set +e
"$vpbench" run -o "$out/run" --no-report -q "$@" >"$out/log.txt" 2>&1
rc=$?
set -e
t1=$(date +%s.%N)
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
res="$out/run/results.csv"
[[ -f "$res" ]] || { cat "$out/log.txt"; echo "no results.csv" >&2; exit 1; }

accel=$(awk -F, '$2 == "accel" && $3 != "none" { print $3; exit }' "$out/run/env.csv")
echo "vpbench run $* -> exit $rc, wall ${wall} s, accelerator ${accel:-none}"
printf '%-22s %10s %10s %8s\n' target measured_s boot_s steps
awk -F, '
	FNR == 1 { next }
	FILENAME ~ /results.csv$/ && $12 == "wall_s" && $15 == "ok" {
		m[$3] += $13; n[$3]++; order[$3] = order[$3] ? order[$3] : ++k
	}
	FILENAME ~ /env.csv$/ && $2 == "boot_s" { b[$1] = $3 }
	END {
		for (t in order) names[order[t]] = t
		for (i = 1; i <= k; i++) {
			t = names[i]
			printf "%-22s %10.2f %10s %8d\n", t, m[t], (t in b) ? b[t] : "-", n[t]
		}
	}' "$res" "$out/run/env.csv"
measured=$(awk -F, 'FNR > 1 && $12 == "wall_s" && $15 == "ok" { s += $13 } END { printf "%.3f", s }' "$res")
boots=$(awk -F, '$2 == "boot_s" { s += $3 } END { printf "%.3f", s }' "$out/run/env.csv")
eff=$(awk -v m="$measured" -v w="$wall" 'BEGIN { printf "%.3f", m / w }')
echo "measured ${measured} s of ${wall} s wall: efficiency ${eff} (target >= 0.75); guest boots ${boots} s"
awk -v e="$eff" 'BEGIN { exit !(e >= 0.75) }' && echo "verdict: ok" || { echo "verdict: below target"; exit 1; }
