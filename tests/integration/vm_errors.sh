#!/usr/bin/env bash
# Deploy errors of the vm target get precise messages and failed rows,
# without booting anything: QEMU missing, a file that is not a kernel, and
# a missing kernel (the error names the command that provides one). A
# forced --accel kvm where KVM is unusable is refused before the run.
set -euo pipefail
: "${VPBENCH:?VPBENCH must point at the vpbench binary}"
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp -d /tmp/vpbench-vm-errors.XXXXXX)
trap 'rm -rf "$out"' EXIT

expect() { # name, pattern, then env/args
	local name=$1 pat=$2
	shift 2
	set +e
	env "$@" -w cpu.int -j 1 -r 1 -d 0.1 -o "$out/$name" --no-report -q \
		>"$out/$name.txt" 2>&1
	local rc=$?
	set -e
	[[ $rc -eq 1 ]] || { cat "$out/$name.txt"; fail "$name: exit $rc, expected 1"; }
	grep -q -- "$pat" "$out/$name.txt" || { cat "$out/$name.txt"; fail "$name: message lacks '$pat'"; }
	grep -q ",failed,.*$pat" "$out/$name/results.csv" || fail "$name: no failed row with '$pat'"
	echo "$name ok"
}

expect no-qemu "apt-get install qemu-system-x86" \
	VPBENCH_QEMU=/nonexistent/qemu-system-x86_64 "$VPBENCH" run -t vm1
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP (rest): no QEMU"; exit 77; }
expect bad-kernel "not an x86 bzImage" "$VPBENCH" run -t vm1 --kernel /etc/hostname
if [[ ! -r /boot/vmlinuz-$(uname -r) ]]; then
	expect no-kernel "ci/fetch-guest-kernel.sh" HOME="$out/home" \
		VPBENCH_CACHE="$out/empty-cache" "$VPBENCH" run -t vm1
fi
# A forced --accel kvm that cannot work here is a usage error found before
# the run (exit 2, no run folder), not failed rows.
if ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
	set +e
	"$VPBENCH" run -t vm1 --accel kvm -w cpu.int -j 1 -r 1 -d 0.1 \
		-o "$out/forced-kvm" --no-report -q >"$out/forced-kvm.txt" 2>&1
	rc=$?
	set -e
	[[ $rc -eq 2 ]] || { cat "$out/forced-kvm.txt"; fail "forced-kvm: exit $rc, expected 2"; }
	grep -q "KVM is not usable here" "$out/forced-kvm.txt" || fail "forced-kvm: message"
	[[ ! -e "$out/forced-kvm" ]] || fail "forced-kvm: a run folder was created"
	echo "forced-kvm ok"
fi
echo "PASS: vm errors"
