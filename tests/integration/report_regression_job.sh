#!/bin/bash
# ci/regression-job.sh with a tiny plan: without a baseline it refuses
# (exit 2, saying how to create one) unless told to create it; the
# --create-baseline call stores the baseline and passes; against a baseline far faster than this machine (constant
# 1e12 ops/s, so the verdict cannot depend on noise) it fails (exit 1) with
# the regression in the Markdown and JUnit files and publishes report.html;
# an existing run (VP_RUN_DIR) compared with itself passes.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export VPBENCH VP_RUN_ARGS="-t host -w cpu.int -j 1 -r 3 -d 0.2"
job=$VP_SOURCE_DIR/ci/regression-job.sh

bash "$job" "$tmp/baseline" "$tmp/out0" >"$tmp/0.log" 2>&1
rc=$?
[ $rc -eq 2 ] || { tail "$tmp/0.log"; fail "missing baseline: exit $rc, want 2"; }
grep -q 'no baseline run at .*--create-baseline' "$tmp/0.log" ||
	fail "missing baseline: no reason given: $(cat "$tmp/0.log")"
[ ! -e "$tmp/baseline" ] || fail "a refused job created the baseline"

bash "$job" --create-baseline "$tmp/baseline" "$tmp/out1" >"$tmp/1.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail "$tmp/1.log"; fail "first call exited $rc"; }
[ -s "$tmp/baseline/results.csv" ] || fail "no baseline stored"

# A baseline faster than anything this machine does, without spread.
mkdir "$tmp/fast"
cp "$tmp/baseline/env.csv" "$tmp/fast/"
python3 - "$tmp/baseline/results.csv" "$tmp/fast/results.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
h = rows[0]
for i, r in enumerate(rows[1:]):
    if r[h.index("metric")] == "ops_per_s" and r[h.index("status")] == "ok":
        # far above any real figure, with a tiny spread for Welch's test
        r[h.index("value")] = "%.9g" % (1e12 * (1 + 0.001 * (i % 3)))
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows(rows)
PY
bash "$job" "$tmp/fast" "$tmp/out2" >"$tmp/2.log" 2>&1
rc=$?
[ $rc -eq 1 ] || { tail "$tmp/2.log"; fail "regressed run: exit $rc, want 1"; }
grep -q '## vpbench compare: regression found' "$tmp/out2/summary.md" ||
	fail "summary.md does not report the regression"
grep -q '| regressed | `host` | `cpu.int` | 1 | `ops_per_s` |' "$tmp/out2/summary.md" ||
	fail "summary.md lacks the regressed cell"
python3 "$here/report_checks.py" junit "$tmp/out2/junit.xml" 1 >/dev/null ||
	fail "junit.xml"
[ -s "$tmp/out2/report.html" ] || fail "no merged report.html"
grep -q 'fast/host' "$tmp/out2/report.html" || fail "baseline not in the report"

VP_RUN_DIR=$tmp/baseline bash "$job" "$tmp/baseline" "$tmp/out3" \
	>"$tmp/3.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail "$tmp/3.log"; fail "run against itself: exit $rc, want 0"; }
grep -q '## vpbench compare: no regression' "$tmp/out3/summary.md" ||
	fail "self comparison summary"
echo "PASS: regression job stores a baseline, fails on regression, publishes"
