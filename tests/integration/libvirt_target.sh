#!/usr/bin/env bash
# The libvirt:vmN@URI target against a real libvirtd (started here with
# ci/start-libvirtd.sh, as root): beside vm2, cpu.int and lock.ticket at 1
# and 2 threads with host-side vCPU rows per step in the step's own cell; a
# domain destroyed from outside mid-run gives failed rows and the next
# target runs; Ctrl-C and a guest panic clean up too; the remote path
# through qemu+ssh:// to a loopback sshd, run
# --parallel hosts beside the local URI (the wall-time ratio is printed);
# after every run nothing named vpbench-<its run id>-* is left on the libvirt
# host (run ids carry this test's pid: concurrent runs do not interfere).
set -euo pipefail
source "$(dirname "$0")/lib.bash"

[[ $(id -u) -eq 0 ]] || skip "starting libvirtd needs root"
command -v virsh >/dev/null || skip "virsh not installed (bash ci/setup.sh)"
bash "$VP_SOURCE_DIR/ci/start-libvirtd.sh" || skip "libvirtd does not start here (see above)"
uri=qemu:///system
target="libvirt:vm2@$uri"
work=$(mktemp -d /tmp/vpbench-libvirt-test.XXXXXX)
sshd_pid=
cleanup() {
	[[ -n "$sshd_pid" ]] && kill "$sshd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# Every run of this test has a run id starting with $tag, so its objects
# are told apart from those of any other run on the same daemon.
tag=lvt$$
# Nothing of this test's runs on the libvirt host: domains, pools, folders.
leftovers() {
	{
		virsh -c "$uri" list --all --name
		virsh -c "$uri" pool-list --all --name
		ls /var/lib/libvirt/images
	} 2>/dev/null | grep "^vpbench-$tag-" || true
}

# --order random: host-side rows must follow each step's own marks, not
# its position in the run.
common=(-w cpu.int,lock.ticket -j 1,2 -r 2 -d 0.2 --order random --no-report -q)
set +e
"$VPBENCH" run -t "libvirt:vm2@nosuch+proto:///x" -w cpu.int -o "$work/bad" -q 2>"$work/bad.err"
rc=$?
set -e
check "a URI libvirt cannot open fails the target with libvirt's message" \
	grep -q "cannot connect to nosuch+proto:///x" "$work/bad/results.csv"
grep -q "built without libvirt" "$work/bad/results.csv" && skip "built without libvirt"
check "exit 1 after a failed target (got $rc)" test "$rc" -eq 1

# 1. Same metric set as vm2.
set +e
"$VPBENCH" run -t "vm2,$target" "${common[@]}" -o "$work/same" --run-id $tag-same
rc=$?
set -e
res="$work/same/results.csv"
check "run exit 0 (got $rc)" test "$rc" -eq 0
# The metric set itself is compared with vm2's in libvirt_metric_set.sh.
check "libvirt rows present" test "$(csvq "$res" "sum(r['target']=='$target' for r in rows)")" -gt 0
check "target_kind libvirt" test "$(csvq "$res" "sorted({r['target_kind'] for r in rows if r['target']=='$target'})")" == "['libvirt']"
check "no failed libvirt rows" test "$(csvq "$res" "sum(r['status']=='failed' for r in rows if r['target']=='$target')")" -eq 0
for m in vcpu_run_pct vcpu_delay_pct; do
	check "$m ok for every step, in the step's own cell" test "$(csvq "$res" "sorted((r['workload'],r['threads'],r['rep']) for r in rows if r['target']=='$target' and r['metric']=='$m' and r['status']=='ok') == sorted((r['workload'],r['threads'],r['rep']) for r in rows if r['target']=='$target' and r['metric']=='wall_s' and r['status']=='ok') and len(set((r['workload'],r['threads'],r['rep']) for r in rows if r['target']=='$target' and r['metric']=='$m'))")" == 8
done
# In its own cell, not in the one its position in the run would give: a
# 2-thread cpu.int step keeps both vCPUs busy, a 1-thread one only one.
run_pct() { # threads -> sorted vcpu_run_pct of the cpu.int steps
	csvq "$res" "sorted(float(r['value']) for r in rows if r['target']=='$target' and r['metric']=='vcpu_run_pct' and r['workload']=='cpu.int' and r['threads']=='$1')"
}
echo "vcpu_run_pct of cpu.int: 1 thread $(run_pct 1), 2 threads $(run_pct 2)"
check "vcpu_run_pct follows the step: 2 threads above 1 thread" \
	python3 -c "import sys; a, b = $(run_pct 1), $(run_pct 2); sys.exit(0 if a and b and min(b) > max(a) else 1)"
check "console log written" test -s "$work/same/console-libvirt_vm2_qemu____system.log"
check "env names the libvirt host" grep -q "^$target,libvirt_version," "$work/same/env.csv"
check "nothing left after run 1: $(leftovers)" test -z "$(leftovers)"

# 1b. io.* on a libvirt guest write to a scratch volume that carries the
# vpbench signature (an unsigned one is refused), and a 1-vCPU TCG domain
# has a second, unplugged CPU slot (<vcpu current='1'>2</vcpu>).
one_target="libvirt:vm1@$uri"
set +e
"$VPBENCH" run -t "$one_target" -w io.randread,io.randwrite -j 1 -r 1 -d 0.2 \
	--counters none --no-report -q -o "$work/io" --run-id $tag-io
rc=$?
set -e
res="$work/io/results.csv"
check "io run exit 0 (got $rc): $(grep -m1 ',failed,' "$res" | cut -d, -f15-)" test "$rc" -eq 0
check "io.randread and io.randwrite iops ok on the libvirt guest" test "$(csvq "$res" "sorted(r['workload'] for r in rows if r['target']=='$one_target' and r['metric']=='iops' and r['status']=='ok')")" == "['io.randread', 'io.randwrite']"
if grep -q "^$one_target,accel,tcg" "$work/io/env.csv"; then
	check "1-vCPU TCG domain: two CPU slots" grep -q "^$one_target,guest_cpu_slots,2$" "$work/io/env.csv"
	check "... and the guest saw one CPU" test "$(csvq "$res" "sorted({r['vcpus'] for r in rows if r['target']=='$one_target'})")" == "['1']"
fi
check "nothing left after the io run: $(leftovers)" test -z "$(leftovers)"

# 2. A domain destroyed from outside mid-run: failed rows, next target runs.
"$VPBENCH" run -t "$target,host" -w cpu.int -j 1 -r 4 -d 3 -o "$work/destroy" \
	--run-id $tag-destroy --no-report -q 2>"$work/destroy.err" &
pid=$!
dom=
for _ in $(seq 240); do
	dom=$(virsh -c "$uri" list --name 2>/dev/null | grep "^vpbench-$tag-destroy" || true)
	[[ -n "$dom" ]] && grep -q "^2,$tag-destroy,$target" "$work/destroy/results.csv" 2>/dev/null && break
	sleep 0.5
done
check "the domain ran and sent a row" test -n "$dom"
[[ -n "$dom" ]] && virsh -c "$uri" destroy "$dom" >/dev/null
set +e
wait "$pid"
rc=$?
set -e
res="$work/destroy/results.csv"
check "exit 1 after the destroyed domain (got $rc)" test "$rc" -eq 1
check "failed rows say the domain was destroyed from outside: $(grep -m1 ',failed,' "$res" | cut -d, -f15-)" \
	grep -q "^2,$tag-destroy,$target,libvirt,.*,failed,.*destroyed from outside" "$res"
check "the host target ran after it" \
	grep -q "^2,$tag-destroy,host,host,.*,cpu.int,1,4,ops_per_s,[0-9.e+-]*,ops/s,ok" "$res"
check "nothing left after run 2: $(leftovers)" test -z "$(leftovers)"

# 3. Ctrl-C mid-run: exit 130, and the domain, volumes and pool are gone.
"$VPBENCH" run -t "$target" -w cpu.int -j 1 -r 4 -d 3 -o "$work/int" \
	--run-id $tag-int --no-report -q 2>"$work/int.err" &
pid=$!
dom=
for _ in $(seq 240); do
	dom=$(virsh -c "$uri" list --name 2>/dev/null | grep "^vpbench-$tag-int" || true)
	[[ -n "$dom" ]] && break
	sleep 0.5
done
check "the domain of the interrupted run started" test -n "$dom"
sleep 2
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
check "exit 130 after Ctrl-C (got $rc)" test "$rc" -eq 130
check "nothing left after Ctrl-C: $(leftovers)" test -z "$(leftovers)"

# 4. A guest panic: failed rows with the panic line and the console tail.
set +e
VPBENCH_GUEST_FAULT=panic "$VPBENCH" run -t "$target" -w cpu.int -j 1 -r 1 \
	-d 0.2 -o "$work/panic" --run-id $tag-panic --no-report -q 2>/dev/null
set -e
check "a guest panic fails the rows with the panic line" \
	grep -q ",failed,.*guest panic: .*Kernel panic.*console tail" "$work/panic/results.csv"
check "nothing left after the panic: $(leftovers)" test -z "$(leftovers)"

# 5. The remote path: qemu+ssh:// to a loopback sshd (libvirt runs ssh with
# the command= wrapper below, so the test's own key and known_hosts are
# used and host-key checking stays on; the remote side answers through
# virt-ssh-helper or nc).
. "$(dirname "$0")/loopback_sshd.bash"
if ! loopback_sshd "$work"; then
	echo "remote path not tested: $sshd_why"
	finish
	exit
fi
port=$sshd_port
cat >"$work/ssh" <<SH
#!/bin/sh
exec ssh $ssh_opts -o BatchMode=yes "\$@"
SH
chmod +x "$work/ssh"
remote="libvirt:vm2@qemu+ssh://root@127.0.0.1:$port/system?command=$work/ssh"
both="$target,$remote"
one=(-w cpu.int,lock.ticket -j 1,2 -r 2 -d 0.5 --no-report)
t0=$(date +%s.%N)
"$VPBENCH" run -t "$both" "${one[@]}" -q -o "$work/seq" --run-id $tag-seq || true
t1=$(date +%s.%N)
"$VPBENCH" run -t "$both" "${one[@]}" --parallel hosts -o "$work/par" \
	--run-id $tag-par 2>"$work/par.err" &
pid=$!
most=0 # most vpbench domains alive at once on the libvirt host
while kill -0 "$pid" 2>/dev/null; do
	n=$(virsh -c "$uri" list --name 2>/dev/null | grep -c "^vpbench-$tag-par" || true)
	((n > most)) && most=$n
	sleep 0.3
done
wait "$pid" || true
t2=$(date +%s.%N)
for run in seq par; do
	res="$work/$run/results.csv"
	for t in "$target" "$remote"; do
		check "$run: $t ok rows for every step" test "$(csvq "$res" "len({(r['workload'],r['threads'],r['rep']) for r in rows if r['target']=='$t' and r['metric']=='ops_per_s' and r['status']=='ok'})")" -eq 8
	done
done
check "remote rows name the remote URI" grep -q "^$remote,libvirt_uri,qemu+ssh://" "$work/par/env.csv"
check "remote: vcpu_preemptions unavailable, the QEMU is elsewhere" test "$(csvq "$work/par/results.csv" "{(r['status'], r['note'].startswith('remote libvirt host 127.0.0.1')) for r in rows if r['target']=='$remote' and r['metric'] in ('vcpu_preemptions', 'kvm.stats')}")" == "{('unavailable', True)}"
# Both hosts at once: their two domains were alive at the same time (each
# lane boots its own; a sequential run never has two).
check "--parallel hosts ran the two hosts at once (most domains at once: $most)" test "$most" -ge 2
check "a progress line per host" grep -q '] 127.0.0.1: ' "$work/par.err"
python3 -c "import sys; s=$t1-$t0; p=$t2-$t1; print(f'wall time: sequential {s:.1f} s, --parallel hosts {p:.1f} s, ratio {s/p:.2f} (2 cores shared with other work: noisy)')"
check "nothing left after the remote runs: $(leftovers)" test -z "$(leftovers)"
finish
