#!/usr/bin/env bash
# Guest deploy cost of the vm target: seconds from QEMU start to the guest
# agent's first record (env.csv boot_s) for vm1, vm2 and vm4, next to the
# floor: the same kernel and QEMU command line booting a bare initramfs
# (busybox-static) whose init only powers off, timed from QEMU start to
# QEMU exit. Target: deploy <= 1.2 x floor. Prints the accelerator too.
#
# Usage: VPBENCH=build/vpbench bash ci/bench-guest-deploy.sh [REPS]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
vpbench=${VPBENCH:-$here/build/vpbench}
reps=${1:-3}
[[ -x "$vpbench" ]] || { echo "build vpbench first (or set VPBENCH)" >&2; exit 2; }
qemu=${VPBENCH_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "$qemu not found (apt-get install qemu-system-x86)" >&2; exit 2; }
busybox=$(command -v busybox || true)
[[ -n "$busybox" ]] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	busybox=/bin/busybox
[[ -x "$busybox" ]] || { echo "busybox not found (apt-get install busybox-static)" >&2; exit 2; }
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

printf '%-5s %-6s %12s %12s %8s %s\n' target accel deploy_s floor_s ratio verdict
worst=0
for n in 1 2 4; do
	deploy=()
	for r in $(seq "$reps"); do
		out="$work/run-$n-$r"
		"$vpbench" run -t "vm$n" -w cpu.int -j 1 -r 1 -d 0.05 --warmup 0 \
			-o "$out" --no-report -q >/dev/null 2>&1 || true
		b=$(awk -F, -v t="vm$n" '$1 == t && $2 == "boot_s" { print $3 }' "$out/env.csv")
		[[ -n "$b" ]] || { echo "vm$n did not boot: see $out" >&2; cat "$out/results.csv" | tail -2 >&2; exit 1; }
		deploy+=("$b")
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
	f=$(printf '%s\n' "${floor[@]}" | median)
	ratio=$(awk -v d="$d" -v f="$f" 'BEGIN { printf "%.2f", d / f }')
	verdict=ok
	awk -v r="$ratio" 'BEGIN { exit !(r > 1.2) }' && verdict="over target (1.2x)" && worst=1
	printf '%-5s %-6s %12s %12s %8s %s\n' "vm$n" "$accel" "$d" "$f" "$ratio" "$verdict"
done
echo "deploy_s: QEMU start -> first agent record (median of $reps); floor_s: QEMU start -> exit of a bare busybox initramfs that powers off"
exit $worst
