#!/usr/bin/env bash
# Boots real guests with 1, 2 and 4 vCPUs (TCG here, KVM where usable), runs
# one workload of every class briefly and checks the rows: target vmN, the
# guest's own CPU count N, the accelerator, the hypervisor seen from inside,
# io rows from the virtio-blk disk, and the env.csv facts of each target.
set -euo pipefail
source "$(dirname "$0")/vm_common.bash"
vm_require

out=$(mktemp -d /tmp/vpbench-vm-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$SECONDS
"$VPBENCH" run -t vm1,vm2,vm4 -w cpu.int,lock.tas,io.randread -j 1,2 -r 1 \
	-d 0.2 --vcpu-pin -o "$out/run" --no-report -q
echo "3 guests in $((SECONDS - start)) s"
res="$out/run/results.csv" env="$out/run/env.csv"

for n in 1 2 4; do
	t=vm$n
	accel=$(awk -F, -v t=$t '$1 == t && $2 == "accel" { print $3; exit }' "$env")
	[[ $accel == tcg || $accel == kvm ]] || fail "$t: accel '$accel' in env.csv"
	want_hv=TCG
	[[ $accel == kvm ]] && want_hv=KVM
	for wl in cpu.int lock.tas io.randread; do
		for j in 1 2; do
			# schema,run_id,target,kind,accel,hypervisor,vcpus,host_cpus,
			# workload,threads,rep,metric,value,unit,status,note
			awk -F, -v t=$t -v n=$n -v a=$accel -v h=$want_hv -v w=$wl -v j=$j '
				$3 == t && $4 == "vm" && $5 == a && $6 == h && $7 == n &&
				$9 == w && $10 == j && $12 == "wall_s" && $15 == "ok" &&
				$13 > 0.15 && $13 < 5 { found = 1 }
				END { exit !found }' "$res" ||
				fail "$t: no ok wall_s row for $wl threads=$j with vcpus=$n accel=$accel hypervisor=$want_hv"
		done
	done
	awk -F, -v t=$t '$3 == t && $9 == "io.randread" && $12 == "iops" && $15 == "ok" && $13 > 0 { f = 1 } END { exit !f }' "$res" ||
		fail "$t: no io.randread iops row"
	grep -q "^$t,io_scratch,/dev/vda$" "$env" || fail "$t: io did not run on the virtio-blk disk /dev/vda"
	for key in accel qemu_version guest_kernel vcpus vcpu_pinning overcommit_ratio host_load boot_s qemu_cmdline; do
		grep -q "^$t,$key," "$env" || fail "$t: env.csv lacks $key"
	done
	grep -q "^$t,vcpus,$n$" "$env" || fail "$t: env.csv vcpus is not $n"
	# A 1-vCPU TCG guest gets a second, unplugged CPU slot (so TCG emits
	# its barriers: virtio completions went missing without them); its
	# rows above still say the guest saw one CPU.
	slots=$n
	[[ $accel == tcg && $n == 1 ]] && slots=2
	grep -q "^$t,guest_cpu_slots,$slots$" "$env" ||
		fail "$t: guest_cpu_slots is not $slots: $(grep "^$t,guest_cpu_slots" "$env")"
	grep -q "^$t,vcpu_pinning,vcpu0->cpu" "$env" || fail "$t: vCPU threads not pinned: $(grep "^$t,vcpu_pinning" "$env")"
	[[ -s "$out/run/console-$t.log" ]] || fail "$t: console log missing"
	echo "$t ok: $(grep "^$t,boot_s," "$env")"
done
if grep -q ',failed,' "$res"; then
	grep ',failed,' "$res" | head -5
	fail "failed rows present"
fi
echo "PASS: vm guests"
