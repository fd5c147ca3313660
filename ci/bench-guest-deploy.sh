#!/usr/bin/env bash
# Guest deploy cost of the vm target: seconds from QEMU start to the guest
# agent's first record (env.csv boot_s) for vm1, vm2 and vm4, next to the
# floor: the same kernel and QEMU command line booting a bare initramfs
# (busybox-static) whose init only powers off, timed from QEMU start to
# QEMU exit. Target: deploy <= 1.2 x floor. Prints the accelerator too.
# Two deploy figures per target: without a scratch disk (cpu workloads only)
# and with the virtio-blk scratch disk the io workloads need (its drivers
# are loaded before the agent starts).
#
# Usage: VPBENCH=build/vpbench bash ci/bench-guest-deploy.sh [REPS]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
vpbench=${VPBENCH:-$here/build/vpbench}
reps=${1:-3}
[[ -x "$vpbench" ]] || { echo "build vpbench first (or set VPBENCH)" >&2; exit 2; }
qemu=${VPBENCH_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "$qemu not found (apt-get install qemu-system-x86)" >&2; exit 2; }
# The bare initramfs holds nothing but busybox: it must be the static one.
busybox=$(command -v busybox || echo /bin/busybox)
[[ -x "$busybox" ]] && ! ldd "$busybox" >/dev/null 2>&1 ||
	{ echo "a static busybox is needed (apt-get install busybox-static)" >&2; exit 2; }
command -v cpio >/dev/null || { echo "cpio not found (apt-get install cpio)" >&2; exit 2; }

work=$(mktemp -d /tmp/vpbench-bench-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

# The bare initramfs: busybox and an init that powers off at once.
mkdir -p "$work/bare/bin" "$work/bare/dev" "$work/bare/proc"
cp "$busybox" "$work/bare/bin/busybox"
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' >"$work/bare/init"
chmod 755 "$work/bare/init"
(cd "$work/bare" && find . | cpio -o -H newc --quiet >"$work/bare.cpio")

printf '%-5s %-6s %9s %9s %9s %7s %7s %s\n' target accel deploy_s disk_s floor_s ratio r_disk verdict
worst=0
deploy_once() { # n, workload, tag -> boot_s
	local out="$work/run-$1-$3"
	rm -rf "$out"
	"$vpbench" run -t "vm$1" -w "$2" -j 1 -r 1 -d 0.05 --warmup 0 \
		-o "$out" --no-report -q >/dev/null 2>&1 || true
	local b
	b=$(awk -F, -v t="vm$1" '$1 == t && $2 == "boot_s" { print $3 }' "$out/env.csv")
	[[ -n "$b" ]] || { echo "vm$1 did not boot: see $out" >&2; tail -2 "$out/results.csv" >&2; exit 1; }
	echo "$b"
}
for n in 1 2 4; do
	deploy=() disk=()
	for r in $(seq "$reps"); do
		deploy+=("$(deploy_once "$n" cpu.int "$r")")
		disk+=("$(deploy_once "$n" io.randread "disk$r")")
	done
	env="$work/run-$n-1/env.csv"
	accel=$(awk -F, -v t="vm$n" '$1 == t && $2 == "accel" { print $3 }' "$env")
	cmdline=$(grep "^vm$n,qemu_cmdline," "$env" | sed 's/^[^,]*,qemu_cmdline,"\?//; s/"$//')
	kernel=$(sed 's/.* -kernel \([^ ]*\) .*/\1/' <<<"$cmdline")
	floor=()
	for r in $(seq "$reps"); do
		acc=tcg,thread=multi cpu=max
		[[ $accel == kvm ]] && acc=kvm cpu=host
		t0=$(now)
		"$qemu" -nodefaults -no-user-config -display none -monitor none \
			-no-reboot -machine pc -accel "$acc" -cpu "$cpu" -smp "$n" \
			-m 512M ${VPBENCH_QEMU_BIOS:+-bios "$VPBENCH_QEMU_BIOS"} \
			-kernel "$kernel" -initrd "$work/bare.cpio" \
			-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
			-serial "file:$work/floor-console.log" </dev/null >/dev/null 2>&1
		t1=$(now)
		floor+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
	done
	d=$(printf '%s\n' "${deploy[@]}" | median)
	dd=$(printf '%s\n' "${disk[@]}" | median)
	f=$(printf '%s\n' "${floor[@]}" | median)
	ratio=$(awk -v d="$d" -v f="$f" 'BEGIN { printf "%.2f", d / f }')
	rdisk=$(awk -v d="$dd" -v f="$f" 'BEGIN { printf "%.2f", d / f }')
	verdict=ok
	if awk -v r="$ratio" -v q="$rdisk" 'BEGIN { exit !(r > 1.2 || q > 1.2) }'; then
		verdict="over target (1.2x)"
		worst=1
	fi
	printf '%-5s %-6s %9s %9s %9s %7s %7s %s\n' "vm$n" "$accel" "$d" "$dd" "$f" "$ratio" "$rdisk" "$verdict"
done
echo "deploy_s: QEMU start -> first agent record (median of $reps), no disk;"
echo "disk_s: the same with the virtio-blk scratch disk (virtio drivers loaded first);"
echo "floor_s: QEMU start -> exit of a bare busybox initramfs that powers off."
echo "The boot_breakdown key of a run's env.csv splits deploy_s into kernel boot,"
echo "module loading and the agent's own start-up."
exit $worst
