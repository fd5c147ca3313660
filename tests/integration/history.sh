#!/bin/bash
# vpbench history on real runs, into SQLite and into a real PostgreSQL
# server (ci/start-postgres.sh; that part skips, saying why, when
# PostgreSQL is not installed): every results.csv row and one cell summary
# per cell is stored, a second import adds nothing, 4 importers of the same
# runs at once leave each run once and no error, a partial run (cut last
# row, a target without its end) is refused with nothing written, list and
# export (CSV, JSON) show what was imported, and usage errors exit 2.
source "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
pg=
cleanup() {
	[ -z "$pg" ] || bash "$VP_SOURCE_DIR/ci/start-postgres.sh" stop "$pg" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_DATA_HOME=$tmp/xdg

for r in r1 r2 r3; do
	"$VPBENCH" run -t host -w cpu.int,lock.ttas -j 1,2 -r 2 -d 0.05 -q \
		--no-report -o "$tmp/$r" >/dev/null 2>&1 || { echo "run $r failed"; exit 1; }
done
rows() { echo $(($(wc -l <"$1/results.csv") - 1)); }
total=$(($(rows "$tmp/r1") + $(rows "$tmp/r2") + $(rows "$tmp/r3")))
# Cells: ok rows that are not bucket rows, distinct target/workload/threads/metric.
cells=0
for r in r1 r2 r3; do
	cells=$((cells + $(csvq "$tmp/$r/results.csv" "len({(x['target'], x['accel'], x['workload'], x['threads'], x['metric']) for x in rows if x['status'] == 'ok' and '_bucket_le_' not in x['metric']})")))
done

# A partial run: the last row cut mid-way (a killed run), and a run whose
# target never ended (env.csv without end_utc).
cp -r "$tmp/r1" "$tmp/cut"
python3 - "$tmp/cut/results.csv" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
open(p, "wb").write(b[:-20])
PY
sed -i 's/^1,[^,]*,/1,cut-run,/' "$tmp/cut/results.csv"
cp -r "$tmp/r2" "$tmp/noend"
sed -i '/,end_utc,/d' "$tmp/noend/env.csv"
sed -i 's/^1,[^,]*,/1,noend-run,/' "$tmp/noend/results.csv"

count() { # DB SQL -> one number
	python3 - "$@" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])
PY
}

# --- SQLite, the default database under XDG_DATA_HOME ---
db=$XDG_DATA_HOME/vpbench/history.db
"$VPBENCH" history import "$tmp/r1" "$tmp/r2" >"$tmp/out" 2>&1
check "import exits 0 ($(cat "$tmp/out"))" test $? -eq 0
check "the default database is created under XDG_DATA_HOME" test -s "$db"
check "import says what it added" test "$(grep -c '^added ' "$tmp/out")" = 2
"$VPBENCH" history import "$tmp/r1" "$tmp/cut" "$tmp/noend" >"$tmp/out" 2>&1
check "a refused run exits 2" test $? -eq 2
check "an imported run is present" grep -q '^present ' "$tmp/out"
check "the cut run is refused as partial" grep -q "cut: partial run: .*truncated last row.*nothing imported" "$tmp/out"
check "the unfinished run is refused as partial" grep -q "noend: partial run: target host has no end_utc" "$tmp/out"
check "nothing of the refused runs is written" test "$(count "$db" "SELECT COUNT(*) FROM results WHERE run_id IN ('cut-run', 'noend-run')")" = 0
check "2 runs" test "$(count "$db" 'SELECT COUNT(*) FROM runs')" = 2

# 4 importers of the same 3 runs at once (one is already there).
for i in 1 2 3 4; do
	"$VPBENCH" history import "$tmp/r1" "$tmp/r2" "$tmp/r3" >"$tmp/c$i" 2>&1 &
done
ok=0
for i in 1 2 3 4; do wait -n && ok=$((ok + 1)); done
check "4 concurrent importers all exit 0 ($(cat "$tmp"/c?))" test $ok = 4
check "r3 was added by exactly one of them" test "$(cat "$tmp"/c? | grep -c '^added ')" = 1
check "3 runs, no duplicate" test "$(count "$db" 'SELECT COUNT(*) FROM runs')" = 3
check "every results.csv row stored once ($total)" test "$(count "$db" 'SELECT COUNT(*) FROM results')" = "$total"
check "one summary per cell ($cells)" test "$(count "$db" 'SELECT COUNT(*) FROM cells')" = "$cells"
check "the integrity check passes" test "$(count "$db" 'PRAGMA integrity_check')" = ok

"$VPBENCH" history list --db "$db" >"$tmp/list" 2>&1
check "list exits 0" test $? -eq 0
check "list shows the 3 runs" test "$(grep -c "$(hostname)" "$tmp/list")" -ge 3
check "list shows the series key" grep -q "|host|none|cpu.int|1|ops_per_s  3 " "$tmp/list"
"$VPBENCH" history export --db "$db" --metric ops_per_s -o "$tmp/e.csv"
check "CSV export: 3 runs x 4 ops_per_s cells" test "$(csvq "$tmp/e.csv" "len(rows)")" = 12
check "CSV export: medians are numbers" test "$(csvq "$tmp/e.csv" "all(float(x['median']) > 0 for x in rows)")" = True
"$VPBENCH" history export --db "$db" --format json --since "$(csvq "$tmp/r2/results.csv" "rows[0]['run_id']")" >"$tmp/e.json"
check "JSON export --since RUN: r2 and r3 only" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if len({x['run_id'] for x in d}) == 2 and all(isinstance(x['median'], float) for x in d) else 1)" "$tmp/e.json"

"$VPBENCH" history import >/dev/null 2>&1
check "import without runs exits 2" test $? -eq 2
"$VPBENCH" history export --format xml >/dev/null 2>"$tmp/err"
check "a bad --format exits 2" test $? -eq 2
check "and names the choices" grep -q "expected csv or json" "$tmp/err"
"$VPBENCH" history frobnicate >/dev/null 2>&1
check "an unknown subcommand exits 2" test $? -eq 2
"$VPBENCH" history export --since nowhere >/dev/null 2>"$tmp/err"
check "--since of an unknown run exits 2" test $? -eq 2
for sub in import list export check; do
	"$VPBENCH" history $sub --help | grep -q "usage: vpbench history $sub"
	check "history $sub --help" test $? -eq 0
done

# --- PostgreSQL ---
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	echo "PostgreSQL part skipped: initdb not installed (apt-get install postgresql)"
	finish
	exit
fi
if ! "$VPBENCH" history list --db postgresql://nowhere.invalid 2>&1 | grep -q "cannot connect"; then
	echo "PostgreSQL part skipped: this vpbench was built without libpq"
	finish
	exit
fi
pg=$(mktemp -d)
uri=$(bash "$VP_SOURCE_DIR/ci/start-postgres.sh" start "$pg" | sed -n 's/^VP_PG_URI=//p')
check "the PostgreSQL server starts" test -n "$uri"
psqlq() { psql -qtA -d "$uri" -c "$1"; }
for i in 1 2 3 4; do
	"$VPBENCH" history import --db "$uri" "$tmp/r1" "$tmp/r2" "$tmp/r3" >"$tmp/p$i" 2>&1 &
done
ok=0
for i in 1 2 3 4; do wait -n && ok=$((ok + 1)); done
check "PG: 4 concurrent importers on a new database all exit 0 ($(cat "$tmp"/p?))" test $ok = 4
check "PG: each run added by exactly one" test "$(cat "$tmp"/p? | grep -c '^added ')" = 3
check "PG: 3 runs" test "$(psqlq 'SELECT COUNT(*) FROM runs')" = 3
check "PG: every row once" test "$(psqlq 'SELECT COUNT(*) FROM results')" = "$total"
check "PG: one summary per cell" test "$(psqlq 'SELECT COUNT(*) FROM cells')" = "$cells"
"$VPBENCH" history import --db "$uri" "$tmp/cut" >/dev/null 2>&1
check "PG: a partial run exits 2" test $? -eq 2
check "PG: nothing of it written" test "$(psqlq "SELECT COUNT(*) FROM runs WHERE run_id = 'cut-run'")" = 0
"$VPBENCH" history export --db "$uri" --metric ops_per_s -o "$tmp/pg.csv"
"$VPBENCH" history export --db "$db" --metric ops_per_s -o "$tmp/sq.csv"
# The same figures from both stores (each prints a double its own way).
check "PG and SQLite export the same cells" python3 - "$tmp/pg.csv" "$tmp/sq.csv" <<'PY'
import csv, math, sys
a, b = (list(csv.DictReader(open(p))) for p in sys.argv[1:])
def same(x, y):
    for k in x:
        if k in ("median", "mean", "sd") and x[k] and y[k]:
            if not math.isclose(float(x[k]), float(y[k]), rel_tol=1e-12):
                return False
        elif x[k] != y[k]:
            return False
    return True
sys.exit(0 if len(a) == len(b) == 12 and all(same(x, y) for x, y in zip(a, b)) else 1)
PY
finish
