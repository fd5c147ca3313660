#!/bin/bash
# End to end on this machine: `vpbench run` on the host target writes its
# run folder and report; `vpbench report` rebuilds it from the CSV files;
# the run compared with itself reports no regression (exit 0). Short
# durations: this checks the plumbing, not the figures.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$VPBENCH" run -t host -w cpu.int,lock.tas -j 1,2 -r 3 -d 0.2 \
	-o "$tmp/run" >"$tmp/run.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/run.out"; fail "vpbench run exited $rc"; }
[ -s "$tmp/run/report.html" ] || fail "the run wrote no report.html"
[ -s "$tmp/run/summary.csv" ] || fail "the run wrote no summary.csv"
"$VPBENCH" report "$tmp/run" -o "$tmp/again.html" >/dev/null ||
	fail "vpbench report exited $?"
for w in cpu.int lock.tas; do
	grep -q "$w: ops_per_s vs threads" "$tmp/again.html" ||
		fail "no scaling chart for $w"
done
grep -q 'host,host,none,.*,cpu.int,2,ops_per_s,ops/s,3,' "$tmp/summary.csv" ||
	grep -q ',cpu.int,2,ops_per_s,ops/s,3,' "$tmp/summary.csv" ||
	fail "summary.csv lacks cpu.int at 2 threads with n=3"
python3 "$here/report_checks.py" static "$tmp/again.html" || fail "external refs"
"$VPBENCH" compare "$tmp/run" "$tmp/run" --junit "$tmp/j.xml" >"$tmp/c.out"
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/c.out"; fail "self compare exited $rc"; }
python3 "$here/report_checks.py" junit "$tmp/j.xml" 0 >/dev/null || fail "JUnit"
# The latency histograms: per kernel call, per wake-up, per I/O, each in
# its own heading with a chart (an svg) under it, p50 and max marked (p99
# too when the step has the 1000 samples it needs), and the percentile
# ladder table under the charts.
"$VPBENCH" run -t host -w lock.kernel,sched.wake,io.randread -j 2 -r 1 -d 0.2 \
	-o "$tmp/lat" >"$tmp/lat.out" 2>&1 || { tail "$tmp/lat.out"; fail "latency run"; }
python3 - "$tmp/lat/report.html" <<'PY' || fail "latency distributions"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = html.split('<h2 id="latency">', 1)
if len(sec) < 2:
    sys.exit("no latency section")
sec = sec[1].split("<h2", 1)[0]
for head in ("lock.kernel: time per call", "sched.wake: wake-up latency",
             "io.randread: I/O completion latency"):
    part = sec.split("<h3>%s</h3>" % head, 1)
    if len(part) < 2:
        sys.exit("no heading " + head)
    body = part[1].split("<h3>", 1)[0]
    if "<svg" not in body or not re.search(r">p50 [^<]+<", body) or \
            not re.search(r">max [^<]+<", body):
        sys.exit("no chart with its p50 and max marks under " + head)
    if "<th>p99.99</th>" not in body or "<th>samples</th>" not in body:
        sys.exit("no percentile ladder under " + head)
PY
echo "PASS: run -> report -> compare on the host target"
