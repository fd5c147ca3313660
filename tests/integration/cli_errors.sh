#!/usr/bin/env bash
# Bad input of every kind exits 2 with a message naming the problem and the
# valid choices; nothing is created for a refused run.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect2() { # expect2 NEEDLE ARGS...
	local needle=$1; shift
	local out rc
	# timeout: a hang (e.g. reading --plan /dev/zero) is a failure too
	out=$(timeout 60 "$VPBENCH" "$@" 2>&1 >/dev/null); rc=$?
	if [[ $rc -ne 2 ]]; then fail "vpbench $* exited $rc, want 2 ($out)"; return; fi
	if [[ "$out" != *"$needle"* ]]; then fail "vpbench $*: message lacks '$needle': $out"; return; fi
	pass
}

expect2 "unknown command 'frob'" frob
expect2 "unknown workload 'cpu.quantum'" run -t host -w cpu.quantum -o "$tmp/a"
expect2 "lock.tas" run -t host -w cpu.quantum -o "$tmp/a"
expect2 "unknown target 'mainframe'" run -t mainframe -o "$tmp/a"
expect2 "1 .. 1024" run -t host -j 0 -o "$tmp/a"
expect2 "not a number of seconds" run -t host -d soon -o "$tmp/a"
# Issue 20: decimal numbers only (strtod read 0x10 as 16 s, kept -0).
expect2 "duration: '0x10' is not a number of seconds" run -t host -d 0x10 -o "$tmp/a"

expect2 "--host-load 1024: more busy threads than this host can carry" run -t host --host-load 1024 -o "$tmp/a"
expect2 "none, compact or scatter" run -t host --pin tight -o "$tmp/a"
expect2 "auto, kvm or tcg" run -t host --accel hvf -o "$tmp/a"
expect2 "no selected workload has an option 'bs'" run -t host -w cpu.int -O bs=4k -o "$tmp/a"
expect2 "out of range" run -t host -w io.randread -O bs=1 -o "$tmp/a"
expect2 "unknown option" run --frobnicate
expect2 "needs a value" run -t
expect2 "unexpected argument" run -t host stray
expect2 "bad --counters value" run -t host --counters "cycles,,x" -o "$tmp/a"
# issue 11 defect 6: a newline in a value would inject plan.conf keys
expect2 "control byte" run -t host -w cpu.int --run-id $'x\nthreads = 9' -o "$tmp/a"
expect2 '/k\nreps' run -t host -w cpu.int --kernel $'/k\nreps = 9' -o "$tmp/a"
out=$("$VPBENCH" run -t host --run-id $'\e[2Jx' -o "$tmp/a" 2>&1)
check "no raw ESC echoed" test "$out" = "${out//$'\e'/}"
# issue 11 defect 10: what can be checked before the run is (exit 2, no
# folder): a workload's own option rules, empty list items, empty values
expect2 "bs=1000: must be a multiple of 512" run -t host -w io.randread -O bs=1000 -j 1 -r 1 -d 0.05 -o "$tmp/a"
expect2 "size=65536 is smaller than bs=1048576" run -t host -w io.randread -O size=64k -O bs=1M -j 1 -r 1 -d 0.05 -o "$tmp/a"
expect2 "threads: empty item in '1,'" run -t host -w cpu.int -j 1, -r 1 -d 0.05 -o "$tmp/a"
expect2 "empty item" run -t host,,vm1 -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/a"
mkdir -p "$tmp/cwd"
pushd "$tmp/cwd" >/dev/null
expect2 "output: empty value" run -t host -w cpu.int -j 1 -r 1 -d 0.05 --no-report -o ""
check "-o '' made no default folder" test ! -e "$tmp/cwd/results"
popd >/dev/null
expect2 "--kernel $tmp/nokernel: No such file" run -t vm1 -w cpu.int --kernel "$tmp/nokernel" -o "$tmp/a"
: >"$tmp/afile"
expect2 "--modules $tmp/afile: not a directory" run -t vm1 -w cpu.int --modules "$tmp/afile" -o "$tmp/a"
expect2 "valid keys: pvspin, cpu-pm, invtsc, hugepages" run -t vm4:pvspn=off -o "$tmp/a"
expect2 "use on or off" run -t vm4:pvspin=maybe -o "$tmp/a"
expect2 "follows no vmN: target" run -t host,cpu-pm=on -o "$tmp/a"
expect2 "needs KVM" run -t vm4:pvspin=off,cpu-pm=on --accel tcg -o "$tmp/a"
expect2 "bad CPU list" run -t vm1 --vm-cpus 0-x -o "$tmp/a"
expect2 "not in this process's allowed set" run -t vm1 --vm-cpus 1023 -o "$tmp/a"
expect2 "usage: vpbench env --check" env --check --frob
check "refused runs create no folder" test ! -e "$tmp/a"
printf 'reps = 2\nthreads = 1,x\n' >"$tmp/plan.conf"
expect2 "$tmp/plan.conf:2: threads" run --plan "$tmp/plan.conf"
expect2 "No such file" run --plan "$tmp/missing.conf"
# issue 11 defect 7: plans are bounded regular text files
start=$SECONDS
expect2 "is a character device" run --plan /dev/zero
check "--plan /dev/zero refused at once" test $((SECONDS - start)) -lt 5
expect2 "is a directory" run --plan "$tmp"
printf 'reps = 2\nthreads = 1\0,2\n' >"$tmp/nul.conf"
expect2 "$tmp/nul.conf:2: control byte 0x00 at column 12" run --plan "$tmp/nul.conf" -t host -w cpu.int -r 1 -d 0.05 --no-report -o "$tmp/nul"
# an unwritable run folder
mkdir -p "$tmp/ro" && chmod 0555 "$tmp/ro"
if [[ $(id -u) -ne 0 ]]; then
	expect2 "choose another" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/ro/run"
fi
expect2 "cannot create run folder" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o /proc/vpbench-run
# a folder that already holds a run is not overwritten
"$VPBENCH" run -q -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none --no-report -o "$tmp/run" >/dev/null 2>&1
expect2 "holds an earlier run" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/run"
# issue 11 defect 4: a folder with the user's own files is not a run folder
mkdir -p "$tmp/own"
echo mine >"$tmp/own/report.html"; echo mine >"$tmp/own/summary.csv"
echo "reps = 9" >"$tmp/own/plan.conf"
sum_own=$(cat "$tmp/own"/* | sha256sum)
expect2 "not empty and not a vpbench run (it holds " run -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none -o "$tmp/own"
expect2 "report.html" run -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none -o "$tmp/own"
check "the user's files are untouched" test "$(cat "$tmp/own"/* | sha256sum)" = "$sum_own"
check "nothing added to the user's folder" test ! -e "$tmp/own/results.csv"
expect2 "is not a folder" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/own/plan.conf"
mkdir -p "$tmp/empty"
check "an empty folder is a fine run folder" "$VPBENCH" run -q -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none --no-report -o "$tmp/empty"
# a step that fails says why on stderr, not only in results.csv; the
# foreign file is left untouched
echo "precious" >"$tmp/foreign"
"$VPBENCH" run -t host -w io.randwrite -O path="$tmp/foreign" -j 1 -r 2 -d 0.05 \
	--no-report -o "$tmp/fail" >/dev/null 2>"$tmp/fail.err"
rc=$?
check "failed step exits 1 (got $rc)" test "$rc" -eq 1
check "failure reason on stderr" grep -q "io.randwrite threads=1 rep=1 failed: .*refusing to overwrite" "$tmp/fail.err"
check "reason told once" test "$(grep -c 'refusing to overwrite' "$tmp/fail.err")" -eq 1
check "foreign file untouched" test "$(cat "$tmp/foreign")" = precious
# issue 11 defect 5: the internal agent's --scratch-dev obeys the same
# signature rule as every other scratch target
head -c 1048576 /dev/urandom >"$tmp/dev"
sum_dev=$(sha256sum <"$tmp/dev")
printf 'targets = host\nworkloads = io.randread,io.randwrite\nthreads = 1\nreps = 1\nduration = 0.05\ncounters = none\noption = size=512k\n' >"$tmp/agent.conf"
timeout 60 "$VPBENCH" agent --plan "$tmp/agent.conf" --scratch-dev "$tmp/dev" >"$tmp/agent.out" 2>&1
check "agent --scratch-dev: a foreign file stays byte-identical" test "$(sha256sum <"$tmp/dev")" = "$sum_dev"
check "agent --scratch-dev: the rows say why" grep -q "no vpbench signature" "$tmp/agent.out"
for sub in run list env report compare; do
	check "vpbench $sub --help exits 0" "$VPBENCH" "$sub" --help >/dev/null
	# The option list reads as a table: every line of it is an option or
	# an indented continuation, none wider than 80 columns (the help
	# texts' own line breaks once landed at column 0 mid-description).
	"$VPBENCH" "$sub" --help >"$tmp/help"
	bad=$(awk '/^ +-/ { on = 1 } on && /^$/ { on = 0 } (on && !/^  /) || length > 80' "$tmp/help")
	check "vpbench $sub --help: option lines aligned (bad: ${bad:0:120})" test -z "$bad"
done
# vpbench list wraps at 79 columns; workloads start at column 0 and options
# at "    -O " (what the bash completion reads), nothing else does.
"$VPBENCH" list >"$tmp/list"
bad=$(awk 'length > 79 || (!/^ / && !/^[a-z0-9_]+\.[a-z0-9_]+ /) || (/^ +-O / && !/^    -O /)' "$tmp/list")
check "vpbench list: wrapped, one layout (bad: ${bad:0:120})" test -z "$bad"
finish
