#!/bin/bash
# vpbench compare through the real CLI: a run against itself exits 0; the
# fixture with known shifts exits 1 and names exactly the regressed cells;
# the Markdown and JUnit files are written and the JUnit XML parses with a
# real XML parser (python3 xml.etree) with consistent counts.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
runs=$VP_SOURCE_DIR/tests/data/runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$VPBENCH" compare "$runs/basic" "$runs/basic" --markdown "$tmp/self.md" \
	--junit "$tmp/self.xml" >"$tmp/self.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/self.out"; fail "self compare exited $rc, want 0"; }
grep -q '^summary: 0 regressed, 0 improved' "$tmp/self.out" ||
	fail "self compare summary: $(tail -1 "$tmp/self.out")"
grep -q '## vpbench compare: no regression' "$tmp/self.md" || fail "self.md"
python3 "$here/report_checks.py" junit "$tmp/self.xml" 0 || fail "self.xml"

"$VPBENCH" compare "$runs/basic" "$runs/shifted" --markdown "$tmp/s.md" \
	--junit "$tmp/s.xml" --threshold 5 --correction holm >"$tmp/s.out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$tmp/s.out"; fail "shifted compare exited $rc, want 1"; }
grep '^REGRESSED' "$tmp/s.out" | awk '{print $2, $3, $4, $5}' | sort \
	>"$tmp/regressed"
cat >"$tmp/want" <<'W'
vm2 io.randread 1 lat_p99_us
vm2 io.randread 2 lat_p99_us
vm2 lock.tas 1 ops_per_s
vm2 lock.tas 2 ops_per_s
W
diff -u "$tmp/want" "$tmp/regressed" || fail "regressed cells differ"
grep -q 'environment: target vm2: kernel differs' "$tmp/s.out" ||
	fail "the kernel difference is not stated"
grep -q '^### Regressed' "$tmp/s.md" || fail "Markdown lacks the section"
[ "$(grep -c '^| regressed |' "$tmp/s.md")" -ge 4 ] ||
	fail "Markdown lacks the regressed rows"
python3 "$here/report_checks.py" junit "$tmp/s.xml" 4 || fail "s.xml"
python3 - "$tmp/s.xml" <<'PY' || fail "JUnit failures name other cells"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
got = sorted((c.get("classname"), c.get("name"))
             for c in root.iter("testcase") if c.find("failure") is not None)
want = sorted([("vpbench.vm2.io.randread", "lat_p99_us threads=1"),
               ("vpbench.vm2.io.randread", "lat_p99_us threads=2"),
               ("vpbench.vm2.lock.tas", "ops_per_s threads=1"),
               ("vpbench.vm2.lock.tas", "ops_per_s threads=2")])
sys.exit(0 if got == want else print(got) or 1)
PY

# The method is named in every output: text, Markdown, JUnit.
grep -q '^threshold 5%, alpha 0.05, correction holm: Holm step-down' "$tmp/s.out" ||
	fail "text output does not name the correction"
grep -q 'correction holm: Holm step-down' "$tmp/s.md" || fail "Markdown: correction"
grep -q 'name="correction" value="holm"' "$tmp/s.xml" || fail "JUnit: correction"
grep -q 'name="threshold" value="5%"' "$tmp/s.xml" || fail "JUnit: threshold not 5%"
# Without --correction: Benjamini-Hochberg, named, the same four cells.
"$VPBENCH" compare "$runs/basic" "$runs/shifted" >"$tmp/d.out" 2>&1
[ $? -eq 1 ] || fail "default correction: exit code"
grep -q '^threshold 5%, alpha 0.05, correction bh: Benjamini-Hochberg' "$tmp/d.out" ||
	fail "the default correction is not bh: $(sed -n 2p "$tmp/d.out")"
[ "$(grep -c '^REGRESSED ' "$tmp/d.out")" -eq 4 ] || fail "default correction: regressed count"
# --changes-only lists the 4 regressed and 1 improved cells, nothing else.
"$VPBENCH" compare "$runs/basic" "$runs/shifted" --changes-only \
	--correction bh --markdown "$tmp/c.md" >"$tmp/c.out" 2>&1
[ $? -eq 1 ] || fail "changes-only: exit code"
n=$(grep -c -E '^(REGRESSED|improved|unchanged|not comparable) ' "$tmp/c.out")
[ "$n" -eq 5 ] || { cat "$tmp/c.out"; fail "changes-only lists $n rows, want 5"; }
grep -q 'correction bh: Benjamini-Hochberg' "$tmp/c.out" || fail "bh not named"
grep -q 'All .* judged cells' "$tmp/c.md" && fail "changes-only Markdown lists all cells"
"$VPBENCH" compare "$runs/basic" "$runs/basic" --correction bonferroni \
	>"$tmp/e.out" 2>&1
[ $? -eq 2 ] && grep -q "expected holm, bh or none" "$tmp/e.out" ||
	fail "a bad --correction is not a usage error"

# Issue 11 defect 9: a run id (or target, note) with Markdown in it was
# rendered (an image fetched, a link shown). Every value is a code span;
# the Markdown renders as text (checked with cmark-gfm when installed).
mkdir -p "$tmp/md"
cp "$runs/basic/env.csv" "$tmp/md/"
python3 - "$runs/basic/results.csv" "$tmp/md/results.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
for r in rows[1:]:
    r[1] = "![x](http://127.0.0.1:9/x.png) <img src=x> [l](http://e) *e*"
    if r[2] == "vm1":
        r[2] = "vm1`|_u_"
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows(rows)
PY
"$VPBENCH" compare "$tmp/md" "$runs/basic" --markdown "$tmp/md.md" >/dev/null 2>&1
[ $? -le 1 ] || fail "compare of the Markdown fixture failed"
python3 "$here/report_checks.py" markdown "$tmp/md.md" ||
	fail "values from the CSV render as Markdown"
printf 'run ![x](http://127.0.0.1:9/x.png) *e*\n' >"$tmp/control.md"
if python3 "$here/report_checks.py" markdown "$tmp/control.md" >/dev/null; then
	fail "the Markdown check misses a raw image"
fi

# A 50% threshold: the shifts are significant but not large enough.
"$VPBENCH" compare "$runs/basic" "$runs/shifted" --threshold 50 >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] || fail "threshold 50%: exit $rc, want 0"
echo "PASS: compare exit codes, cells, Markdown and JUnit"
