#!/bin/bash
# ci/regression-job.sh on the results history, with a tiny plan: without a
# history it refuses (exit 2, saying how to start one) unless told to
# create it; --create-history imports the run and passes; on a history of
# runs at one level followed by runs 20% slower (copies of the real run,
# the newest imported by the job) it fails (exit 1) with the regression in
# the Markdown and JUnit files and publishes report.html with the trend
# charts; on a flat history it passes; a partial run is not imported (2).
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export VPBENCH VP_RUN_ARGS="-t host -w cpu.int -j 1 -r 3 -d 0.2"
job=$VP_SOURCE_DIR/ci/regression-job.sh

bash "$job" "$tmp/h.db" "$tmp/out0" >"$tmp/0.log" 2>&1
rc=$?
[ $rc -eq 2 ] || { tail "$tmp/0.log"; fail "missing history: exit $rc, want 2"; }
grep -q 'no history database at .*--create-history' "$tmp/0.log" ||
	fail "missing history: no reason given: $(cat "$tmp/0.log")"
[ ! -e "$tmp/h.db" ] || fail "a refused job created the history"

bash "$job" --create-history "$tmp/h.db" "$tmp/out1" >"$tmp/1.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail "$tmp/1.log"; fail "first call exited $rc"; }
[ -s "$tmp/h.db" ] || fail "no history created"
grep -q '^added ' "$tmp/1.log" || fail "the run was not imported: $(cat "$tmp/1.log")"
run=$tmp/out1/run

# copy N FACTOR: a copy of the real run with its own id and start (N hours
# before now), ops_per_s scaled by FACTOR with a 0.5% wobble.
copy() {
	python3 - "$run" "$tmp/c$1" "$1" "$2" <<'PY'
import csv, datetime, os, shutil, sys
src, dst, n, f = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
os.makedirs(dst)
shutil.copy(os.path.join(src, "plan.conf"), dst)
rid = "copy-%03d" % n
rows = list(csv.reader(open(os.path.join(src, "results.csv"), newline="")))
h = rows[0]
for i, r in enumerate(rows[1:]):
    r[h.index("run_id")] = rid
    if r[h.index("metric")] == "ops_per_s" and r[h.index("status")] == "ok":
        r[h.index("value")] = "%.9g" % (1e6 * f * (1 + 0.005 * ((n + i) % 3 - 1)))
csv.writer(open(os.path.join(dst, "results.csv"), "w", newline=""), lineterminator="\n").writerows(rows)
t = (datetime.datetime(2026, 1, 1) + datetime.timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
env = list(csv.reader(open(os.path.join(src, "env.csv"), newline="")))
for r in env[1:]:
    if r[1] in ("start_utc", "end_utc"):
        r[2] = t
csv.writer(open(os.path.join(dst, "env.csv"), "w", newline=""), lineterminator="\n").writerows(env)
PY
}
# 12 runs at one level, then 5 runs 20% slower (the job imports the 5th).
for n in $(seq 1 17); do
	copy "$n" "$([ "$n" -le 12 ] && echo 1 || echo 0.8)" || fail "copy $n"
done
for n in $(seq 1 16); do
	"$VPBENCH" history import --db "$tmp/r.db" "$tmp/c$n" >/dev/null || fail "import c$n"
done
VP_RUN_DIR=$tmp/c17 bash "$job" "$tmp/r.db" "$tmp/out2" >"$tmp/2.log" 2>&1
rc=$?
[ $rc -eq 1 ] || { tail -20 "$tmp/2.log"; fail "regressed series: exit $rc, want 1"; }
grep -qF 'cpu.int\|1\|ops_per_s' "$tmp/out2/summary.md" ||
	fail "summary.md does not name the regressed series: $(cat "$tmp/out2/summary.md")"
grep -qi 'regression' "$tmp/out2/summary.md" || fail "summary.md does not say regression"
python3 - "$tmp/out2/junit.xml" <<'PY' || fail "junit.xml has no failure for the series"
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1])
sys.exit(0 if any("cpu.int" in (c.get("name") or "") and c.find("failure") is not None
                  for c in t.iter("testcase")) else 1)
PY
[ -s "$tmp/out2/report.html" ] || fail "no report.html"
grep -q '<svg' "$tmp/out2/report.html" || fail "no chart in the report"

# A flat history: 17 runs at one level.
for n in $(seq 1 16); do
	rm -rf "$tmp/c$n"
	copy "$n" 1 || fail "copy $n"
	"$VPBENCH" history import --db "$tmp/flat.db" "$tmp/c$n" >/dev/null || fail "import flat c$n"
done
rm -rf "$tmp/c17" && copy 17 1
VP_RUN_DIR=$tmp/c17 bash "$job" "$tmp/flat.db" "$tmp/out3" >"$tmp/3.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/3.log"; fail "flat series: exit $rc, want 0"; }

# A run cut short is not imported, and the job says so (exit 2).
cp -r "$run" "$tmp/partial"
sed -i '/,end_utc,/d' "$tmp/partial/env.csv"
sed -i 's/^1,[^,]*,/1,partial-run,/' "$tmp/partial/results.csv"
VP_RUN_DIR=$tmp/partial bash "$job" "$tmp/flat.db" "$tmp/out4" >"$tmp/4.log" 2>&1
rc=$?
[ $rc -eq 2 ] || { tail "$tmp/4.log"; fail "partial run: exit $rc, want 2"; }
grep -q 'partial run' "$tmp/4.log" || fail "partial run: no reason: $(cat "$tmp/4.log")"
echo "PASS: regression job creates a history, fails on a change point at the newest runs, passes a flat series, refuses a partial run"
