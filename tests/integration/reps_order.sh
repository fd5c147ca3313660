#!/usr/bin/env bash
# -r auto and --order random through the real CLI (issue 10 section 3):
# every cell ends with reps_used / ci_converged / ci_half_width_pct rows,
# a generous target converges at min-reps, an impossible one stops at
# max-reps unconverged; random order is a shuffle, the same for the same
# seed, recorded in plan.conf and env.csv, and a re-run of that plan.conf
# repeats it; it is the default with more than one rep (one rep:
# sequential); bad settings are refused before a run folder exists.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(-q -t host -w cpu.int,lock.tas -j 1,2 -d 0.05 --warmup 0.01
	--counters none --no-report)

# Order of the steps as the rows arrived: workload/threads/rep of each
# ops_per_s row.
order() {
	python3 - "$1" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline='')):
    if r['metric'] == 'ops_per_s':
        print(r['workload'], r['threads'], r['rep'])
PY
}

"$VPBENCH" run "${common[@]}" -r auto --min-reps 4 --max-reps 6 \
	--ci-target 100 -o "$tmp/easy" 2>"$tmp/err"
check "auto run exits 0 ($(cat "$tmp/err"))" test $? -eq 0
r="$tmp/easy/results.csv"
check "4 cells report reps_used" test "$(csvq "$r" "sum(x['metric']=='reps_used' for x in rows)")" = 4
# A 100% half-width at 4 reps needs a CV under ~60%: even a loaded
# machine gets there.
check "reps_used within min .. max" test "$(csvq "$r" "all(4 <= int(x['value']) <= 6 for x in rows if x['metric']=='reps_used')")" = True
check "a 100% target converges at min-reps somewhere" test "$(csvq "$r" "any(x['value']=='4' for x in rows if x['metric']=='reps_used')")" = True
check "a cell that stopped early says converged" test "$(csvq "$r" "all(c['value']=='1' for u in rows for c in rows if u['metric']=='reps_used' and u['value'] in ('4','5') and c['metric']=='ci_converged' and (c['workload'],c['threads'])==(u['workload'],u['threads']))")" = True
check "converged half-widths are within the target" test "$(csvq "$r" "all(float(h['value']) <= 100 for h in rows for c in rows if h['metric']=='ci_half_width_pct' and c['metric']=='ci_converged' and c['value']=='1' and (c['workload'],c['threads'])==(h['workload'],h['threads']))")" = True

"$VPBENCH" run "${common[@]}" -r auto --min-reps 2 --max-reps 3 \
	--ci-target 0.01 -o "$tmp/hard" 2>"$tmp/err"
check "hard auto run exits 0 ($(cat "$tmp/err"))" test $? -eq 0
r="$tmp/hard/results.csv"
check "a 0.01% target stops at max-reps" test "$(csvq "$r" "sorted({x['value'] for x in rows if x['metric']=='reps_used'})")" = "['3']"
check "unconverged cells say 0" test "$(csvq "$r" "{x['value'] for x in rows if x['metric']=='ci_converged'}")" = "{'0'}"
check "every step has other_load_pct" test "$(csvq "$r" "sum(x['metric']=='other_load_pct' for x in rows)")" = 12
check "the run says the cells stopped short" grep -q -- "-r auto: 4 of 4 cells stopped at --max-reps 3 before their 95% CI came within --ci-target 0.01%" "$tmp/err"
"$VPBENCH" report "$tmp/hard" -o "$tmp/hard.html" >/dev/null 2>&1
check "the report warns of the 4 unconverged cells, each with its half-width" python3 -c "
import re, sys
h = open(sys.argv[1], encoding='utf-8').read()
sys.exit(0 if '4 cell(s) not converged' in h and len(re.findall(r'ci_converged: n=1, 95% CI half-width [0-9.]+% of the mean', h)) == 4 else 1)" "$tmp/hard.html"

for name in a b; do
	"$VPBENCH" run "${common[@]}" -r 3 --order random --seed 77 \
		-o "$tmp/$name" 2>"$tmp/err"
	check "random run $name exits 0 ($(cat "$tmp/err"))" test $? -eq 0
done
"$VPBENCH" run "${common[@]}" -r 3 --order sequential -o "$tmp/seq" 2>/dev/null
order "$tmp/a/results.csv" >"$tmp/a.order"
order "$tmp/b/results.csv" >"$tmp/b.order"
order "$tmp/seq/results.csv" >"$tmp/seq.order"
check "random order runs every step once" test "$(sort "$tmp/a.order" | uniq | wc -l)" = 12
check "random order is a shuffle" bash -c "! cmp -s '$tmp/a.order' '$tmp/seq.order'"
check "same seed, same order" cmp -s "$tmp/a.order" "$tmp/b.order"
check "rounds: rep 1 of every cell before any rep 2" test "$(head -4 "$tmp/a.order" | awk '{print $3}' | sort -u)" = 1
check "plan.conf records the seed" grep -qx "seed = 77" "$tmp/a/plan.conf"
check "env.csv records the order" grep -q "step_order,random (seed 77)" "$tmp/a/env.csv"

# The default: random with more than one rep, sequential with one.
"$VPBENCH" run "${common[@]}" -r 3 -o "$tmp/picked" 2>/dev/null
check "more than one rep: random by default" grep -qx "order = random" "$tmp/picked/plan.conf"
check "the default's order is in env.csv" grep -q "step_order,random (seed " "$tmp/picked/env.csv"
"$VPBENCH" run "${common[@]}" -r 1 -o "$tmp/one" 2>/dev/null
check "one rep: sequential by default" grep -qx "order = sequential" "$tmp/one/plan.conf"
check "sequential runs the plan's order" test "$(order "$tmp/one/results.csv" | tr '\n' ' ')" = "cpu.int 1 1 cpu.int 2 1 lock.tas 1 1 lock.tas 2 1 "
seed=$(sed -n 's/^seed = //p' "$tmp/picked/plan.conf")
check "a picked seed is recorded ($seed)" test -n "$seed" -a "$seed" != 0
mkdir "$tmp/cwd" && cd "$tmp/cwd" || exit 1
"$VPBENCH" run -q --plan "$tmp/picked/plan.conf" --no-report 2>/dev/null
again=$(ls -d results/*/ | head -1)
order "$tmp/picked/results.csv" >"$tmp/p1"
order "$again/results.csv" >"$tmp/p2"
check "a re-run of plan.conf repeats the order" cmp -s "$tmp/p1" "$tmp/p2"
cd "$tmp" || exit 1

for bad in "-r autox" "-r 0" "--min-reps 1" "--ci-target 0" "--order shuffled"; do
	# shellcheck disable=SC2086
	"$VPBENCH" run "${common[@]}" $bad -o "$tmp/bad" 2>"$tmp/err"
	rc=$?
	check "'$bad' refused with exit 2 (got $rc)" test $rc -eq 2
	check "'$bad' makes no run folder" test ! -e "$tmp/bad"
done
"$VPBENCH" run "${common[@]}" -r auto --min-reps 5 --max-reps 3 -o "$tmp/bad" 2>"$tmp/err"
check "min above max refused with exit 2" test $? -eq 2
check "min above max says why" grep -q "min-reps 5 is above max-reps 3" "$tmp/err"
finish
