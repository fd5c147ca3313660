#!/bin/bash
# compare on two real back-to-back host runs of one build (recorded with
# ci/bench-compare-same-build.sh on an otherwise idle machine: -w
# cpu.int,lock.tas,io.randread -j 1,2 -r 5 -d 1 --order random): the
# default correction (bh) and holm report no change where the uncorrected
# per-cell tests raise one, and a copy of the second run with cpu.int's
# throughput cut 20% is flagged in exactly cpu.int's throughput cells,
# against either run. Neither run carries the "measured back to back"
# caveat; a copy of one relabelled as sequential does.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
runs=$VP_SOURCE_DIR/tests/data/runs
a=$runs/same_build_a b=$runs/same_build_b
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# flagged BASE NEW [ARGS...]: "verdict workload threads metric" lines;
# the exit status lands in $tmp/rc.
flagged() {
	local base=$1 new=$2
	shift 2
	"$VPBENCH" compare "$base" "$new" "$@" >"$tmp/out" 2>&1
	echo $? >"$tmp/rc"
	grep -E '^(REGRESSED|improved) ' "$tmp/out" | awk '{print $1, $3, $4, $5}' | sort
}

for c in "" holm; do
	got=$(flagged "$a" "$b" ${c:+--correction "$c"})
	[ -z "$got" ] || { cat "$tmp/out"; fail "same build, ${c:-default}, flags: $got"; }
	[ "$(cat "$tmp/rc")" = 0 ] || fail "same build, ${c:-default}: exit $(cat "$tmp/rc"), want 0"
	grep -q "correction ${c:-bh}" "$tmp/out" || fail "the correction ${c:-bh} is not named"
	grep -q '^summary: 0 regressed, 0 improved' "$tmp/out" || fail "summary: $(tail -1 "$tmp/out")"
done
! grep -q 'back to back' "$tmp/out" || fail "random-order runs get the back-to-back caveat"

got=$(flagged "$a" "$b" --correction none)
[ "$got" = "REGRESSED io.randread 1 runq_delay_pct" ] ||
	{ cat "$tmp/out"; fail "same build, uncorrected: want the one chance finding, got: $got"; }

# The same run, its env.csv saying its reps were taken back to back.
mkdir "$tmp/seq"
cp "$a/results.csv" "$tmp/seq/"
sed 's/^host,step_order,.*/host,step_order,sequential/' "$a/env.csv" >"$tmp/seq/env.csv"
"$VPBENCH" compare "$tmp/seq" "$b" >"$tmp/out" 2>&1
grep -q '^caveats BASE: .*reps measured back to back.*--order random.*: host' "$tmp/out" ||
	{ cat "$tmp/out"; fail "sequential reps are not named among the caveats"; }
! grep -q '^caveats NEW: .*back to back' "$tmp/out" || fail "NEW wrongly marked sequential"

python3 "$VP_SOURCE_DIR/tests/integration/cut_copy.py" "$b" "$tmp/cut" cpu.int 0.8 || fail "cut copy"
want=$'REGRESSED cpu.int 1 ops_per_s\nREGRESSED cpu.int 2 ops_per_s'
for base in "$b" "$a"; do
	got=$(flagged "$base" "$tmp/cut")
	[ "$got" = "$want" ] || { cat "$tmp/out"; fail "$(basename "$base") vs cut flags: $got"; }
	[ "$(cat "$tmp/rc")" = 1 ] || fail "$(basename "$base") vs cut: exit $(cat "$tmp/rc"), want 1"
done
# --changes-only lists those two cells and no unchanged one.
"$VPBENCH" compare "$a" "$tmp/cut" --changes-only >"$tmp/co" 2>&1
[ "$(grep -c '^REGRESSED ' "$tmp/co")" = 2 ] || { cat "$tmp/co"; fail "--changes-only lacks the two cells"; }
! grep -q '^unchanged ' "$tmp/co" || fail "--changes-only lists unchanged cells"
echo "PASS"
