#!/bin/bash
# vpbench history check and report --history on a recorded run: one real
# host run of this build, copied into a history of 14 runs (run ids, start
# times and builds rewritten, every value jittered by 1 % with a seed of
# its own run and row, so the answer is known whatever rows the source
# run wrote), imported into SQLite. Untouched: no
# regression, exit 0. With cpu.int's throughput cut 20 % from run 10 on:
# exit 1, the change found at run 10 as a regression at the newest runs,
# in the text, Markdown and JUnit outputs. The report of the newest run
# with --history draws a trend chart per headline cell, the change marked
# between runs 9 and 10, hover titles naming run, date and build, and a
# hostile run id escaped. Usage errors exit 2.
source "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

"$VPBENCH" run -t host -w cpu.int,lock.ttas -j 1 -r 2 -d 0.05 -q \
	--no-report -o "$tmp/src" >/dev/null 2>&1 || { echo "the source run failed"; exit 1; }

# make_history DIR CUT: 14 runs in DIR/runNN, cpu.int ops* x (1 - CUT) from
# run 10 on; run 12's id carries markup.
make_history() {
	python3 - "$tmp/src" "$1" "$2" <<'PY'
import csv, os, random, shutil, sys
src, dst, cut = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = list(csv.reader(open(os.path.join(src, "results.csv"), newline="")))
h = rows[0]
ix = {k: h.index(k) for k in ("run_id", "workload", "metric", "value", "status")}
env = list(csv.reader(open(os.path.join(src, "env.csv"), newline="")))
for k in range(1, 15):
    d = os.path.join(dst, f"run{k:02d}")
    os.makedirs(d)
    shutil.copy(os.path.join(src, "plan.conf"), d)
    rid = f"hist-{k:02d}" if k != 12 else "hist-12<b>&\"x"
    with open(os.path.join(d, "env.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in env:
            r = list(r)
            if len(r) > 2 and r[1] in ("start_utc", "end_utc"):
                r[2] = f"2026-02-{k:02d}T10:00:00Z"
            elif len(r) > 2 and r[1] == "build_git":
                r[2] = "build-b" if k >= 10 and cut else "build-a"
            w.writerow(r)
    with open(os.path.join(d, "results.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(h)
        for r in rows[1:]:
            r = list(r)
            r[ix["run_id"]] = rid
            if r[ix["status"]] == "ok" and "_bucket_le_" not in r[ix["metric"]]:
                rng = random.Random(f"{k}|{'|'.join(r[2:ix['value']])}")
                v = float(r[ix["value"]]) * rng.gauss(1, 0.01)
                if (cut and k >= 10 and r[ix["workload"]] == "cpu.int"
                        and r[ix["metric"]].startswith("ops")):
                    v *= 1 - cut
                r[ix["value"]] = repr(v)
            w.writerow(r)
PY
}
make_history "$tmp/flat" 0 && make_history "$tmp/cut" 0.2 ||
	{ echo "making the histories failed"; exit 1; }
"$VPBENCH" history import --db "$tmp/flat.db" "$tmp"/flat/run* >"$tmp/out" 2>&1
rc=$?
check "import of the untouched history ($(tail -1 "$tmp/out"))" test $rc -eq 0
"$VPBENCH" history import --db "$tmp/cut.db" "$tmp"/cut/run* >"$tmp/out" 2>&1
rc=$?
check "import of the cut history ($(tail -1 "$tmp/out"))" test $rc -eq 0

"$VPBENCH" history check --db "$tmp/flat.db" --metric ops_per_s >"$tmp/flat.txt" 2>&1
rc=$?
check "untouched: exit 0 ($(head -1 "$tmp/flat.txt"))" test $rc -eq 0
check "untouched: no regression" grep -q ' 0 regressions' "$tmp/flat.txt"

"$VPBENCH" history check --db "$tmp/cut.db" --metric ops_per_s \
	--markdown "$tmp/cut.md" --junit "$tmp/cut.xml" >"$tmp/cut.txt" 2>&1
rc=$?
check "cut: exit 1 ($(head -1 "$tmp/cut.txt"))" test $rc -eq 1
check "cut: cpu.int at 1 thread is a regression" \
	grep -q '^REGRESSION  [^ ]*|cpu.int|1|ops_per_s$' "$tmp/cut.txt"
check "cut: it starts at run 10, after run 9, at the newest runs" \
	grep -Eq 'from run hist-10 \(2026-02-10T10:00:00Z, build build-b\), after run hist-09: -(19|20|21)\.[0-9]%.*at the newest runs' "$tmp/cut.txt"
# A 1 % wobble may pass the permutation test as a change now and then (at
# alpha 0.05 it should); it must never pass the 5 % threshold as a
# regression.
check "cut: lock.ttas is no regression" bash -c "! grep -q '^REGRESSION.*lock.ttas' '$tmp/cut.txt'"
check "cut: only one regression" grep -q ', 1 regression, 1 at the newest runs$' "$tmp/cut.txt"
check "Markdown names the regression" grep -q '^| REGRESSION | `[^`]*\\|cpu.int\\|1\\|ops_per_s`' "$tmp/cut.md"
check "Markdown heading" grep -q '^## vpbench history check: regression at the newest runs' "$tmp/cut.md"
check "JUnit: one failure" grep -q '<testsuites name="vpbench history check" tests="[0-9]*" failures="1"' "$tmp/cut.xml"
check "JUnit is well-formed XML" python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$tmp/cut.xml"

"$VPBENCH" report --history "$tmp/cut.db" -o "$tmp/r.html" "$tmp/cut/run14" >"$tmp/out" 2>&1
rc=$?
check "report --history exits 0 ($(tail -1 "$tmp/out"))" test $rc -eq 0
html=$tmp/r.html
check "the history section is there" grep -q '<h2 id="history">' "$html"
check "one trend chart per headline cell (2)" test "$(grep -c '<figure><svg' "$html")" -ge 2
check "hover titles name run, date and build" \
	grep -q '<title>run hist-10, 2026-02-10T10:00:00Z, build build-b: ' "$html"
check "the change point is marked as a regression" grep -q '<title>REGRESSION: change point from run hist-10 ' "$html"
check "the report's own run is circled" grep -q 'r="5" fill="#0072B2" stroke="#000"' "$html"
check "a hostile run id is escaped" grep -q 'hist-12&lt;b&gt;&amp;&quot;x' "$html"
check "no raw markup from a run id" bash -c "! grep -q 'hist-12<b>' '$html'"
python3 - "$html" <<'PY' || fail "the report is not well-formed (html.parser)"
import sys
from html.parser import HTMLParser
HTMLParser().feed(open(sys.argv[1]).read())
PY

"$VPBENCH" report --history "$tmp/nonexistent/x.db" -o "$tmp/r2.html" "$tmp/cut/run14" >"$tmp/out" 2>&1
rc=$?
check "report --history with a missing database exits 2" test $rc -eq 2
check "... and creates none" test ! -e "$tmp/nonexistent"
"$VPBENCH" history check --db "$tmp/cut.db" --min-size 1 >"$tmp/out" 2>&1
rc=$?
check "check --min-size 1 exits 2" test $rc -eq 2
finish
