#!/usr/bin/env bash
# Fault handling of the vm target, through the guest-init test hook
# VPBENCH_GUEST_FAULT (hang: no agent, panic: PID 1 exits, stall: the agent
# stops mid-run, lockup[-recover]: a kernel soft-lockup report with the
# agent stopped or running on) limited to one target by
# VPBENCH_GUEST_FAULT_TARGET. Each
# case checks the failed rows with the reason and the console tail, that
# nothing measured before the fault is lost and that the next target ran.
set -euo pipefail
source "$(dirname "$0")/vm_common.bash"
vm_require

out=$(mktemp -d /tmp/vpbench-vm-faults.XXXXXX)
trap 'rm -rf "$out"' EXIT

run_fault() { # fault, then vpbench run args
	local fault=$1
	shift
	set +e
	VPBENCH_GUEST_FAULT=$fault VPBENCH_GUEST_FAULT_TARGET=vm1 \
		"$VPBENCH" run "$@" -o "$out/$fault" --no-report -q
	local rc=$?
	set -e
	[[ $rc -eq 1 ]] || fail "$fault: exit code $rc, expected 1"
}

check_failed() { # fault, pattern of the note
	local res="$out/$1/results.csv"
	awk -F, '$3 == "vm1" && $15 == "failed"' "$res" | grep -q -- "$2" ||
		{ grep vm1 "$res" | head -3; fail "$1: no failed vm1 row with '$2'"; }
	awk -F, '$3 == "vm1" && $15 == "failed"' "$res" | grep -q "console tail: ." ||
		fail "$1: failed rows lack the console tail"
}

# hang -> boot timeout; the next target (vm2) still runs. The timeout
# applies to vm2 as well: leave room for a loaded CI machine.
start=$SECONDS
run_fault hang -t vm1,vm2 -w cpu.int -j 1 -r 1 -d 0.2 --boot-timeout 20
check_failed hang "boot timeout"
grep -q "fault injection: hanging" "$out/hang/results.csv" || fail "hang: console tail does not show the guest's last words"
awk -F, '$3 == "vm2" && $12 == "ops_per_s" && $15 == "ok"' "$out/hang/results.csv" | grep -q . ||
	fail "hang: vm2 did not run after vm1 failed"
echo "hang ok ($((SECONDS - start)) s)"

# panic -> detected from the console; the host target runs afterwards.
start=$SECONDS
run_fault panic -t vm1,host -w cpu.int -j 1 -r 1 -d 0.2
check_failed panic "guest panic: .*Kernel panic"
awk -F, '$3 == "host" && $12 == "ops_per_s" && $15 == "ok"' "$out/panic/results.csv" | grep -q . ||
	fail "panic: host did not run after vm1 failed"
echo "panic ok ($((SECONDS - start)) s)"

# stall -> run timeout; rows measured before the stall are kept.
start=$SECONDS
run_fault stall -t vm1 -w cpu.int -j 1 -r 6 -d 0.3 --run-timeout 6
check_failed stall "run timeout"
awk -F, '$3 == "vm1" && $12 == "ops_per_s" && $15 == "ok"' "$out/stall/results.csv" | grep -q . ||
	fail "stall: the rows measured before the stall were lost"
grep -q "^vm1,guest_agent_dump,thread .* state T" "$out/stall/env.csv" ||
	fail "stall: no thread dump of the silent agent in env.csv"
echo "stall ok ($((SECONDS - start)) s)"

# stall without --run-timeout -> the step timeout (the step's window plus
# 120 s under TCG) ends the target long before the run's own budget (60
# steps: 3 x 21 s + 60 x 2 s + 60 s = 243 s).
start=$SECONDS
set +e
VPBENCH_GUEST_FAULT=stall VPBENCH_GUEST_FAULT_TARGET=vm1 \
	"$VPBENCH" run -t vm1 -w cpu.int -j 1 -r 60 -d 0.3 -o "$out/stall-step" --no-report -q
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "stall-step: exit code $rc, expected 1"
awk -F, '$3 == "vm1" && $15 == "failed"' "$out/stall-step/results.csv" |
	grep -q "step timeout: the guest agent made no progress for 120 s in step" ||
	{ grep vm1 "$out/stall-step/results.csv" | tail -3; fail "stall-step: no step timeout"; }
((SECONDS - start < 200)) || fail "stall-step: took $((SECONDS - start)) s, the step timeout did not pre-empt the run timeout"
echo "stall-step ok ($((SECONDS - start)) s)"
# lockup -> the console's soft-lockup report with a silent agent fails the
# target after the grace period, long before the run timeout.
start=$SECONDS
run_fault lockup -t vm1 -w cpu.int -j 1 -r 8 -d 0.3 --run-timeout 300
check_failed lockup "guest kernel wedged .*soft lockup"
((SECONDS - start < 120)) || fail "lockup: took $((SECONDS - start)) s, the run timeout was not pre-empted"
echo "lockup ok ($((SECONDS - start)) s)"

# lockup-recover -> a report from a guest that keeps going is only noted.
start=$SECONDS
VPBENCH_GUEST_FAULT=lockup-recover "$VPBENCH" run -t vm1 -w cpu.int -j 1 -r 6 \
	-d 0.3 -o "$out/recover" --no-report -q ||
	fail "lockup-recover: the run failed"
grep -q "^vm1,guest_kernel_warning,.*soft lockup" "$out/recover/env.csv" ||
	fail "lockup-recover: no guest_kernel_warning in env.csv"
n=$(awk -F, '$3 == "vm1" && $12 == "ops_per_s" && $15 == "ok"' "$out/recover/results.csv" | wc -l)
[[ $n -eq 6 ]] || fail "lockup-recover: $n of 6 steps ok"
echo "lockup-recover ok ($((SECONDS - start)) s)"
echo "PASS: vm faults"
