#!/bin/bash
# A run whose target label, notes and environment hold HTML/script text
# (tests/data/runs/xss) yields a report that shows them as text: no tag
# from the CSV survives into report.html, summary.csv keeps the raw text.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$VPBENCH" report "$VP_SOURCE_DIR/tests/data/runs/xss" -o "$tmp/r.html" \
	>/dev/null || fail "report exited $?"
if grep -qi -e '<script' -e '<img' -e '<b>bold' "$tmp/r.html"; then
	grep -n -i -e '<script' -e '<img' "$tmp/r.html" | head -3
	fail "markup from the CSV reached the HTML unescaped"
fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/r.html" ||
	fail "the target label is not shown as text"
grep -q '&lt;img src=x onerror=alert(1)&gt;' "$tmp/r.html" ||
	fail "the note is not shown as text"
python3 "$here/report_checks.py" static "$tmp/r.html" || fail "external refs"
grep -q '<script>alert(1)</script>' "$tmp/summary.csv" ||
	fail "summary.csv should keep the raw label (CSV, not HTML)"
"$VPBENCH" compare "$VP_SOURCE_DIR/tests/data/runs/xss" \
	"$VP_SOURCE_DIR/tests/data/runs/xss" --junit "$tmp/j.xml" \
	--markdown "$tmp/m.md" >/dev/null || fail "compare exited $?"
python3 "$here/report_checks.py" junit "$tmp/j.xml" 0 >/dev/null ||
	fail "JUnit with markup in names does not parse"
python3 "$here/report_checks.py" markdown "$tmp/m.md" ||
	fail "Markdown renders markup from the CSV"
# A note that is not UTF-8 (Latin-1 from some guest) keeps the XML valid.
cp -r "$VP_SOURCE_DIR/tests/data/runs/xss" "$tmp/latin1"
printf '1,x,host,host,none,KVM,2,2,cpu.int,1,4,lat_p99_us,,us,unavailable,caf\xe9 <b>\n' \
	>>"$tmp/latin1/results.csv"
"$VPBENCH" compare "$tmp/latin1" "$tmp/latin1" --junit "$tmp/l.xml" \
	>/dev/null || fail "compare (latin1) exited $?"
python3 "$here/report_checks.py" junit "$tmp/l.xml" 0 >/dev/null ||
	fail "JUnit with a Latin-1 note does not parse"
grep -q 'caf.* &lt;b&gt;' "$tmp/l.xml" || fail "the Latin-1 note is missing"
echo "PASS: CSV strings are escaped in HTML, JUnit and Markdown"
