#!/usr/bin/env bash
# A closed stdout/stderr never costs results (issue 11 defect 2): a reader
# that goes away (`| head -1`) stops the printing, not the measuring or the
# files; closed descriptors 0-2 never make printed text land in a file.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
runs=$VP_SOURCE_DIR/tests/data/runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare | head -1: exits with its verdict, writes both files.
"$VPBENCH" compare "$runs/basic" "$runs/shifted" --markdown "$tmp/m.md" \
	--junit "$tmp/j.xml" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
check "compare | head -1 exits 0 or 1 (got $rc)" test "$rc" -le 1
check "compare | head -1 wrote the Markdown" test -s "$tmp/m.md"
check "compare | head -1 wrote the JUnit XML" grep -q "</testsuite" "$tmp/j.xml"

# stdout closed outright: the Markdown file holds Markdown only.
"$VPBENCH" compare "$runs/basic" "$runs/shifted" --markdown "$tmp/m2.md" >&- 2>&-
check "compare with stdout closed: same Markdown" cmp "$tmp/m.md" "$tmp/m2.md"

# run 2>&1 | head -1: every step measured, every row on disk.
run=(run -t host -w cpu.int,lock.tas -j 1,2 -r 2 -d 0.05 --warmup 0.01
	--counters none --no-report)
"$VPBENCH" "${run[@]}" -o "$tmp/piped" 2>&1 | head -1 >/dev/null
rc=${PIPESTATUS[0]}
check "run 2>&1 | head -1 exits 0 (got $rc)" test "$rc" -eq 0
steps=$(csvq "$tmp/piped/results.csv" \
	'len({(r["workload"], r["threads"], r["rep"]) for r in rows if r["status"]=="ok"})')
check "run 2>&1 | head -1 measured all 8 steps ($steps)" test "$steps" = 8

# run with stdout and stderr closed: the CSV files hold CSV only.
"$VPBENCH" "${run[@]}" -o "$tmp/closed" >&- 2>&-
rc=$?
check "run with closed stdout/stderr exits 0 (got $rc)" test "$rc" -eq 0
check "results.csv starts with its header" \
	bash -c "head -1 '$tmp/closed/results.csv' | grep -q '^schema,run_id,'"
check "no printed text in results.csv or env.csv" \
	bash -c "! grep -q '^vpbench\\|^results:\\|^\\[' '$tmp/closed/results.csv' '$tmp/closed/env.csv'"
check "env.csv starts with its header" \
	bash -c "head -1 '$tmp/closed/env.csv' | grep -q '^target,key,value'"
finish
