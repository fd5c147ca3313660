#!/usr/bin/env bash
# Issue 20: outputs that cannot be written are an error with the path and
# errno, never a crash (exit 139 before); links and non-files planted in a
# run folder are refused and their targets left as they were (sha256);
# an output that is an input or another output is refused; a run whose
# report cannot be written exits 1 with its results intact; a step stopped
# with SIGSTOP mid-window is marked suspended and left out of the figures.
# The mounted-filesystem cases (read-only, full) are report_outputs_root.sh.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-int.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
basic="$VP_SOURCE_DIR/tests/data/runs/basic"
R="timeout 60 $VPBENCH report"

expect() { # want-rc pattern -- command...
	local want=$1 pat=$2
	shift 3
	"$@" >"$tmp/out" 2>&1
	local rc=$?
	if [[ $rc -ne $want ]] || ! grep -q -- "$pat" "$tmp/out"; then
		cat "$tmp/out"
		fail "$* exited $rc (want $want) or said no '$pat'"
	else
		pass
	fi
}
mkrun() { rm -rf "$tmp/$1"; mkdir -p "$tmp/$1"; cp "$basic"/*.csv "$tmp/$1/"; }
no_temp_left() { ! ls -a "$1" | grep -q '^\.vpbench-out\.'; }

# Defect 1: summary.csv cannot be written.
mkrun a
expect 2 "cannot write $tmp/nodir/x.csv: cannot create a file in $tmp/nodir: No such file or directory" -- \
	$R "$tmp/a" --summary "$tmp/nodir/x.csv"
check "nothing written when one output is refused" test ! -e "$tmp/a/report.html"
mkrun b
mkdir "$tmp/b/summary.csv"
expect 2 "cannot write $tmp/b/summary.csv: it is a folder" -- $R "$tmp/b"
expect 2 "cannot write /dev/full: No space left on device" -- $R "$tmp/a" --json /dev/full
check "no temporary file left" no_temp_left "$tmp/a"

# Defect 2: links planted in a run folder are neither followed nor
# replaced; their targets keep their bytes.
mkrun c
echo "precious 1" >"$tmp/victim1"
echo "precious 2" >"$tmp/victim2"
ln -s "$tmp/victim1" "$tmp/c/summary.csv"
ln -s "$tmp/victim2" "$tmp/c/report.html"
before=$(sha256sum "$tmp/victim1" "$tmp/victim2")
expect 2 "cannot write $tmp/c/summary.csv: it is a symbolic link" -- $R "$tmp/c"
after=$(sha256sum "$tmp/victim1" "$tmp/victim2")
check "planted link targets unchanged" test "$before" = "$after"
check "planted links still links" test -L "$tmp/c/summary.csv" -a -L "$tmp/c/report.html"
echo "link targets before: $before"
echo "link targets after:  $after"
mkrun e
mkfifo "$tmp/e/report.html"
expect 2 "cannot write $tmp/e/report.html: it is not a regular file" -- $R "$tmp/e"
# A link the user names is followed: its target is replaced whole.
ln -s "$tmp/victim1" "$tmp/named.html"
expect 0 "report: $tmp/named.html" -- $R "$tmp/a" -o "$tmp/named.html"
check "named link still a link" test -L "$tmp/named.html"
check "named link's target holds the report" grep -q '<html' "$tmp/victim1"
ln -s "$tmp/none/x" "$tmp/dangling"
expect 2 "cannot write $tmp/dangling: it is a dangling symbolic link (to $tmp/none/x" -- \
	$R "$tmp/a" -o "$tmp/dangling"

# Defect 3: an output that is an input, or another output.
mkrun d
sum_before=$(sha256sum "$tmp/d/results.csv" "$tmp/d/env.csv")
expect 2 "--summary $tmp/d/results.csv is the input $tmp/d/results.csv" -- \
	$R "$tmp/d" --summary "$tmp/d/results.csv"
expect 2 "is the input" -- $R "$tmp/d/results.csv" -o "$tmp/d/./env.csv"
ln "$tmp/d/results.csv" "$tmp/hardlink.csv"
expect 2 "--json $tmp/hardlink.csv is the input $tmp/d/results.csv" -- \
	$R "$tmp/d" --json "$tmp/hardlink.csv"
expect 2 "-o $tmp/x and --summary $tmp/x are the same file" -- \
	$R "$tmp/d" -o "$tmp/x" --json "$tmp/x" --summary "$tmp/x"
expect 2 "are the same file" -- $R "$tmp/d" -o "$tmp/y.html" --json "$tmp/../${tmp##*/}/y.html"
check "inputs unchanged" test "$sum_before" = "$(sha256sum "$tmp/d/results.csv" "$tmp/d/env.csv")"
check "refused outputs not created" test ! -e "$tmp/x" -a ! -e "$tmp/y.html"
expect 2 "--markdown $tmp/d/results.csv is the input (NEW)" -- \
	timeout 60 "$VPBENCH" compare "$basic" "$tmp/d" --markdown "$tmp/d/results.csv"
expect 2 "--markdown $tmp/m and --junit $tmp/m are the same file" -- \
	timeout 60 "$VPBENCH" compare "$basic" "$tmp/d" --markdown "$tmp/m" --junit "$tmp/m"
expect 0 "report:" -- $R "$tmp/d" -o /dev/null --summary /dev/null

# plan.conf of a run folder: read with the rules of run --plan; a link, a
# folder, a device or nonsense is a warning and no "plan" in the JSON; a
# run stopped part-way says how many planned steps are missing.
plan_case() { # name pattern: plan.conf already planted in $tmp/$name
	"$VPBENCH" report "$tmp/$1" --json "$tmp/$1.json" -o "$tmp/$1.html" >"$tmp/out" 2>&1
	local rc=$?
	if [[ $rc -ne 0 ]] || ! grep -q -- "$2" "$tmp/out" ||
		! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["plan"] is None' "$tmp/$1.json" 2>/dev/null; then
		cat "$tmp/out"
		fail "plan.conf $1: rc $rc, want 0 with '$2' and plan null"
	else
		pass
	fi
}
printf 'targets = host\nworkloads = cpu.int\nthreads = 1,2\nreps = 4\n' >"$tmp/plan8"
mkrun p_link; ln -s /etc/passwd "$tmp/p_link/plan.conf"
plan_case p_link "p_link/plan.conf is a symbolic link, not read"
mkrun p_dir; mkdir "$tmp/p_dir/plan.conf"
plan_case p_dir "p_dir/plan.conf is a directory"
mkrun p_dev; ln -s /dev/zero "$tmp/p_dev/plan.conf"
plan_case p_dev "p_dev/plan.conf is a symbolic link"
mkrun p_reps; sed 's/reps = 4/reps = 1000000/' "$tmp/plan8" >"$tmp/p_reps/plan.conf"
plan_case p_reps "reps: '1000000' is not a whole number in 1 .. 1000"
mkrun p_dur; { cat "$tmp/plan8"; echo "duration = -5"; } >"$tmp/p_dur/plan.conf"
plan_case p_dur "duration: '-5' is out of range"
mkrun p_bidi; { cat "$tmp/plan8"; printf 'counters = a\xe2\x80\xaeb\n'; } >"$tmp/p_bidi/plan.conf"
plan_case p_bidi "bidirectional control U+202E"
# Killed part-way: a plan of 8 steps, one step's rows in results.csv.
mkdir -p "$tmp/p_cut"
cp "$tmp/plan8" "$tmp/p_cut/plan.conf"
printf '%s\n' 'schema,run_id,target,target_kind,accel,hypervisor,vcpus,host_cpus,workload,threads,rep,metric,value,unit,status,note' \
	'1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,100,ops/s,ok,' >"$tmp/p_cut/results.csv"
expect 0 "report:" -- $R "$tmp/p_cut" --json "$tmp/p_cut.json"
check "a cut-short run names its missing steps" python3 - "$tmp/p_cut.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
assert (r["planned_steps"], r["measured_steps"]) == (8, 1), r
f = [f["text"] for f in d["findings"] if f["kind"] == "missing_steps"]
assert f and "7 of the 8 planned steps have no row" in f[0], f
PY
check "the HTML names the missing steps" grep -q "7 of the 8 planned steps" "$tmp/p_cut/report.html"

# Defect 1 at the end of a run: summary.csv made a folder while the run
# measures. Every step is measured, results: is printed, exit 1.
timeout 120 "$VPBENCH" run -t host -w cpu.int -j 1 -r 3 -d 0.3 --counters none \
	-o "$tmp/run" >"$tmp/run.out" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -e "$tmp/run/results.csv" ]] && break; sleep 0.05; done
mkdir "$tmp/run/summary.csv"
wait "$pid"
rc=$?
cat "$tmp/run.out"
check "run with an unwritable report exits 1 (got $rc)" test "$rc" -eq 1
check "run prints its results path" grep -q "^results: $tmp/run/results.csv" "$tmp/run.out"
check "run names the report failure" grep -q "report not written: cannot write $tmp/run/summary.csv: it is a folder" "$tmp/run.out"
check "every step measured" test "$(grep -c ',ops_per_s,[0-9.e+]*,ops/s,ok,' "$tmp/run/results.csv")" -eq 3

# Defect 4: SIGSTOP for 2 s in the middle of a 1 s window. The stop must
# land inside the window: it begins just after the progress line (0.05 s
# warm-up); on a very busy machine the window may begin late, so up to 3
# tries.
suspended=0
for try in 1 2 3; do
	rm -rf "$tmp/s"
	timeout 120 "$VPBENCH" run -t host -w cpu.int -j 2 -r 1 -d 1 -o "$tmp/s" \
		>"$tmp/s.out" 2>&1 &
	pid=$!
	for _ in $(seq 400); do grep -q 'threads=2 rep=1' "$tmp/s.out" && break; sleep 0.02; done
	sleep 0.5
	# $pid is timeout's: stop vpbench itself, its child.
	vp=$(pgrep -P "$pid" -x vpbench)
	kill -STOP "$vp"
	sleep 2
	kill -CONT "$vp"
	wait "$pid"
	rc=$?
	if grep -q ',ops_per_s,[^,]*,ops/s,ok,suspended: window' "$tmp/s/results.csv"; then
		suspended=1
		break
	fi
	echo "try $try: the stop missed the window"
	cat "$tmp/s.out"
done
cat "$tmp/s.out"
check "a stopped step is marked suspended in results.csv" test "$suspended" -eq 1
check "the run exits 0 (rows measured; got $rc)" test "$rc" -eq 0
check "the run says how many steps were suspended" grep -q '^vpbench: 1 step suspended' "$tmp/s.out"
check "every row of the step is marked" python3 - "$tmp/s/results.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline='')) if r["status"] == "ok"]
bad = [r["metric"] for r in rows if not r["note"].startswith("suspended:")]
assert rows and not bad, bad
PY
check "summary leaves the suspended rep out" python3 - "$tmp/s/summary.csv" <<'PY'
import csv, sys
r = [r for r in csv.DictReader(open(sys.argv[1], newline='')) if r["metric"] == "ops_per_s"][0]
assert r["n"] == "0" and r["mean"] == "" and r["note"].startswith("suspended:"), (r["n"], r["note"])
PY
check "the report lists the suspended step" grep -q 'Suspended steps' "$tmp/s/report.html"
# An undisturbed run is not flagged.
timeout 120 "$VPBENCH" run -t host -w cpu.int -j 2 -r 2 -d 0.3 --counters none \
	-o "$tmp/calm" >"$tmp/calm.out" 2>&1
check "an undisturbed run has no suspended step" test "$(grep -c suspended "$tmp/calm/results.csv")" -eq 0
finish
