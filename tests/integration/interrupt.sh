#!/usr/bin/env bash
# Ctrl-C stops a run cleanly: exit 130, every finished step keeps its rows,
# results.csv stays valid CSV with the cut-short steps marked failed.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-int.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$VPBENCH" run -t host -w cpu.int,lock.tas -j 1,2 -r 5 -d 0.4 --counters none \
	--no-report -o "$tmp/run" >"$tmp/out" 2>"$tmp/err" &
pid=$!
# wait until some steps finished
for _ in $(seq 100); do
	n=$(grep -c ',ops_per_s,[0-9]' "$tmp/run/results.csv" 2>/dev/null || echo 0)
	[[ $n -ge 2 ]] && break
	sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted run exits 130 (got $rc)" test "$rc" -eq 130
check "stdout still names results.csv" grep -q "results: $tmp/run/results.csv" "$tmp/out"
if python3 - "$tmp/run/results.csv" <<'PY'; then pass; else fail "rows after interrupt"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
ok = [r for r in rows if r["metric"] == "ops_per_s" and r["status"] == "ok"]
cut = [r for r in rows if r["status"] == "failed" and "interrupted" in r["note"]]
assert len(ok) >= 2, "finished steps lost"
assert cut, "no step marked interrupted"
assert all(len(r) == 16 and None not in r.values() for r in rows), "ragged CSV"
total = 2 * 2 * 5
steps = {(r["workload"], r["threads"], r["rep"]) for r in rows if r["metric"] == "ops_per_s"}
assert len(steps) == total, f"{len(steps)} of {total} steps accounted for"
PY
finish
