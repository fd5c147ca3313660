#!/usr/bin/env bash
# `vpbench env --check` (and `vpbench doctor`): lists what it checked, then
# its findings each with a fix; exit 0 with none, 1 with findings. On a
# host without usable KVM (like the development VM) KVM is a finding.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$VPBENCH" env --check -o "$tmp/run" 2>&1); rc=$?
echo "$out"
check "exit 0 or 1" test "$rc" -eq 0 -o "$rc" -eq 1
check "lists what it checked" grep -q "perf_event_paranoid" <<<"$out"
check "checks the run folder's file system" grep -q "run folder .*$tmp" <<<"$out"
findings=$(grep -c '^  \[finding\]' <<<"$out")
if [[ $rc -eq 1 ]]; then
	check "exit 1 comes with findings" test "$findings" -gt 0
else
	check "exit 0 comes without findings" test "$findings" -eq 0
fi
check "every finding has its fix" test "$(grep -c '^  \[' <<<"$out")" -eq \
	"$(grep -A1 '^  \[' <<<"$out" | grep -c '^      fix: \|^  \[note\]')"
if ! grep -qwE 'vmx|svm' /proc/cpuinfo || [[ ! -r /dev/kvm ]]; then
	check "no usable KVM is a finding" grep -q '\[finding\] kvm:' <<<"$out"
	check "and exits 1" test "$rc" -eq 1
fi
"$VPBENCH" doctor -o "$tmp/run" >"$tmp/doctor.txt" 2>&1
check "vpbench doctor is the same check" test $? -eq "$rc"
finish
