#!/usr/bin/env bash
# Import speed of the results history against the reference tool on the
# same data: rows/s of `vpbench history import RUN` into a new SQLite file
# (the whole command: open, schema, reading and validating the CSV, every
# raw row, the cell summaries, one transaction) vs the sqlite3 shell's
# `.import --csv` of the same results.csv into a plain table of 16 TEXT
# columns in a new file. The two alternate (vp sq, sq vp, ...) ROUNDS times
# in one run, so drift of the machine hits both alike; the ratio of the
# median rates is the figure. Target: ratio >= 0.5.
#
# The run: a real host run of this build, its rows repeated as further reps
# (run id, targets and everything else kept) up to about ROWS rows, so that
# start-up does not dominate either tool.
#
# Usage: ci/bench-history-import.sh [BUILD_DIR]
# Environment: VPBENCH (binary), ROWS (100000), ROUNDS (5), MIN_RATIO (0.5),
#   KEEP_WORKDIR (1: keep the run and the databases).
# Exit: 0 PASS, 1 FAIL, 2 usage/tool error.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
VPBENCH=${VPBENCH:-$build/vpbench}
ROWS=${ROWS:-100000}
ROUNDS=${ROUNDS:-5}
MIN_RATIO=${MIN_RATIO:-0.5}

. "$(dirname "$0")/bench-lib.bash"
bench_init bench-history-import
command -v sqlite3 >/dev/null || die "the sqlite3 shell is needed as the reference (apt-get install sqlite3)"
bench_workdir "${TMPDIR:-/tmp}" histimport

"$VPBENCH" run -t host -w cpu.int,lock.ttas,io.randread -j 1,2 -r 2 -d 0.05 \
	-q --no-report -o "$work/src" >"$work/src.log" 2>&1 ||
	{ cat "$work/src.log" >&2; die "the source run failed"; }
mkdir "$work/run"
cp "$work/src/env.csv" "$work/src/plan.conf" "$work/run/"
python3 - "$work/src/results.csv" "$work/run/results.csv" "$ROWS" <<'PY'
import csv, sys
src, dst, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(open(src, newline="")))
head, body = rows[0], rows[1:]
rep = head.index("rep")
top = max(int(r[rep]) for r in body)
out = []
k = 0
while len(out) < want:
    for r in body:
        r2 = list(r)
        r2[rep] = str(int(r[rep]) + k * top)
        out.append(r2)
    k += 1
with open(dst, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(head)
    w.writerows(out)
PY
nrows=$(($(wc -l <"$work/run/results.csv") - 1))
cols=$(head -1 "$work/run/results.csv" | sed 's/,/ TEXT, /g; s/$/ TEXT/')

now() { date +%s.%N; }
# Each prints the seconds it took; a failure stops the benchmark.
vp_import() {
	local t0 t1
	t0=$(now)
	"$VPBENCH" history import --db "$work/vp$1.db" "$work/run" >"$work/vp$1.log" 2>&1 ||
		{ cat "$work/vp$1.log" >&2; die "vpbench history import failed"; }
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
sq_import() {
	local t0 t1
	t0=$(now)
	sqlite3 "$work/sq$1.db" "CREATE TABLE results ($cols)" \
		".import --csv --skip 1 $work/run/results.csv results" >"$work/sq$1.log" 2>&1 ||
		{ cat "$work/sq$1.log" >&2; die "sqlite3 .import failed"; }
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
command -v bc >/dev/null || die "bc is needed for the timings"

vp=() sq=()
for ((i = 1; i <= ROUNDS; i++)); do
	if ((i % 2)); then
		vp+=("$(vp_import "$i")") sq+=("$(sq_import "$i")")
	else
		sq+=("$(sq_import "$i")") vp+=("$(vp_import "$i")")
	fi
done
stored=$(sqlite3 "$work/vp1.db" "SELECT COUNT(*) FROM results")
[[ $stored == "$nrows" ]] || die "vpbench stored $stored of $nrows rows"
[[ $(sqlite3 "$work/sq1.db" "SELECT COUNT(*) FROM results") == "$nrows" ]] || die "sqlite3 .import stored a different row count"

python3 - "$nrows" "$MIN_RATIO" "${vp[*]}" "${sq[*]}" <<'PY'
import statistics as st, sys
n, goal = int(sys.argv[1]), float(sys.argv[2])
vp = [n / float(x) for x in sys.argv[3].split()]
sq = [n / float(x) for x in sys.argv[4].split()]
r = st.median(vp) / st.median(sq)
print("rows per import: %d (%d rounds, alternating)" % (n, len(vp)))
print("vpbench history import: median %.0f rows/s (%s)" % (st.median(vp), ", ".join("%.0f" % v for v in vp)))
print("sqlite3 .import:        median %.0f rows/s (%s)" % (st.median(sq), ", ".join("%.0f" % v for v in sq)))
print("ratio %.2f (goal >= %.2f): %s" % (r, goal, "PASS" if r >= goal else "FAIL"))
sys.exit(0 if r >= goal else 1)
PY
