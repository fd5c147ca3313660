#!/usr/bin/env bash
# Bad input of every kind exits 2 with a message naming the problem and the
# valid choices; nothing is created for a refused run.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect2() { # expect2 NEEDLE ARGS...
	local needle=$1; shift
	local out rc
	out=$("$VPBENCH" "$@" 2>&1 >/dev/null); rc=$?
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
expect2 "none, compact or scatter" run -t host --pin tight -o "$tmp/a"
expect2 "auto, kvm or tcg" run -t host --accel hvf -o "$tmp/a"
expect2 "no selected workload has an option 'bs'" run -t host -w cpu.int -O bs=4k -o "$tmp/a"
expect2 "out of range" run -t host -w io.randread -O bs=1 -o "$tmp/a"
expect2 "unknown option" run --frobnicate
expect2 "needs a value" run -t
expect2 "unexpected argument" run -t host stray
expect2 "bad --counters value" run -t host --counters "cycles,,x" -o "$tmp/a"
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
# an unwritable run folder
mkdir -p "$tmp/ro" && chmod 0555 "$tmp/ro"
if [[ $(id -u) -ne 0 ]]; then
	expect2 "choose another" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/ro/run"
fi
expect2 "cannot create run folder" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o /proc/vpbench-run
# a folder that already holds a run is not overwritten
"$VPBENCH" run -q -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none --no-report -o "$tmp/run" >/dev/null 2>&1
expect2 "holds an earlier run" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/run"
# a step that fails says why on stderr, not only in results.csv; the
# foreign file is left untouched
echo "precious" >"$tmp/foreign"
"$VPBENCH" run -t host -w io.randread -O path="$tmp/foreign" -j 1 -r 2 -d 0.05 \
	--no-report -o "$tmp/fail" >/dev/null 2>"$tmp/fail.err"
rc=$?
check "failed step exits 1 (got $rc)" test "$rc" -eq 1
check "failure reason on stderr" grep -q "io.randread threads=1 rep=1 failed: .*refusing to overwrite" "$tmp/fail.err"
check "reason told once" test "$(grep -c 'refusing to overwrite' "$tmp/fail.err")" -eq 1
check "foreign file untouched" test "$(cat "$tmp/foreign")" = precious
for sub in run list env report compare; do
	check "vpbench $sub --help exits 0" "$VPBENCH" "$sub" --help >/dev/null
done
finish
