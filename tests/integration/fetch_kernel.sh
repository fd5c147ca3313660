#!/usr/bin/env bash
# ci/fetch-guest-kernel.sh picks the distribution's VM kernel: Debian's
# linux-image-cloud-amd64, Ubuntu's linux-image-kvm then linux-image-virtual
# (os-release ID or ID_LIKE), or VPBENCH_KERNEL_PACKAGE; --print names the
# paths in $VPBENCH_CACHE/kernel without downloading; an unresolvable choice
# fails naming the packages it tried. Runs unprivileged where it can, so a
# failed lookup does not trigger the script's root-only apt-get update.
set -u
. "$(dirname "$0")/lib.bash"
command -v apt-cache >/dev/null || skip "apt-cache not installed: not an apt-based system"
script=$VP_SOURCE_DIR/ci/fetch-guest-kernel.sh
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
as_user=()
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
fetch() { # fetch OS_RELEASE_TEXT [VAR=VALUE...] -> output, exit status
	printf '%s\n' "$1" >"$tmp/os-release"
	chmod 644 "$tmp/os-release"
	shift
	env VPBENCH_CACHE="$tmp/cache" VPBENCH_OS_RELEASE="$tmp/os-release" "$@" \
		"${as_user[@]}" bash "$script" --print 2>&1
}

out=$(VPBENCH_CACHE=$tmp/cache bash "$script" --print 2>&1)
rc=$?
if [[ $rc -ne 0 ]] && grep -q "cannot resolve" <<<"$out"; then
	echo "SKIP (part): this machine's apt lists know no VM kernel ($out)"
else
	check "--print on this machine exits 0 ($out)" test "$rc" -eq 0
	check "--print names the kernel in the cache" grep -q "^kernel:  $tmp/cache/kernel/boot/vmlinuz-" <<<"$out"
	check "--print names the modules in the cache" grep -q "^modules: $tmp/cache/kernel/lib/modules/" <<<"$out"
	check "--print downloads nothing" test ! -e "$tmp/cache"
fi

# Each distribution's choice: resolved when this machine's apt knows it,
# else an error naming exactly the packages for that distribution.
expect_choice() { # expect_choice WHAT OS_RELEASE VERSION_RE PACKAGES
	local out rc
	out=$(fetch "$2"); rc=$?
	if [[ $rc -eq 0 ]]; then
		check "$1: resolved to a matching kernel ($out)" grep -Eq "vmlinuz-[0-9].*$3" <<<"$out"
	else
		check "$1: fails naming $4 ($out)" grep -qF "cannot resolve $4 " <<<"$out"
	fi
}
expect_choice "Debian" $'ID=debian' "cloud-amd64" "linux-image-cloud-amd64"
expect_choice "Ubuntu" $'ID=ubuntu\nID_LIKE=debian' "-(kvm|generic)$" "linux-image-kvm/linux-image-virtual"
expect_choice "an Ubuntu derivative" $'ID=linuxmint\nID_LIKE="ubuntu debian"' "-(kvm|generic)$" "linux-image-kvm/linux-image-virtual"
expect_choice "unknown apt system" $'ID=somethingelse' "" "linux-image-cloud-amd64/linux-image-kvm/linux-image-virtual"

out=$(fetch "ID=debian" VPBENCH_KERNEL_PACKAGE=vpbench-no-such-kernel); rc=$?
check "an unknown VPBENCH_KERNEL_PACKAGE fails (rc=$rc)" test "$rc" -eq 1
check "...naming it and the fix ($out)" grep -q "cannot resolve vpbench-no-such-kernel .*VPBENCH_KERNEL_PACKAGE" <<<"$out"
finish
