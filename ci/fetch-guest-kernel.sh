#!/usr/bin/env bash
# Fetches a guest kernel for vpbench's vmN targets when the host has no
# readable /boot/vmlinuz-$(uname -r). The distribution's small virtual-
# machine kernel is downloaded with `apt-get download` and unpacked with
# `dpkg -x` into the cache folder the runner searches,
# ${VPBENCH_CACHE:-$HOME/.cache/vpbench}/kernel/. Nothing is installed on the
# host, and no root is needed once apt's package lists exist. Idempotent: an
# already unpacked version is kept.
#   Debian:  linux-image-cloud-amd64 (virtio as modules, boots fast)
#   Ubuntu:  linux-image-kvm (virtio built in), else linux-image-virtual;
#            their modules come from the linux-modules-<version> package
#   other apt-based systems: the Debian choice, then the Ubuntu ones
# VPBENCH_KERNEL_PACKAGE=NAME picks the metapackage yourself;
# VPBENCH_OS_RELEASE=FILE reads another os-release file (for tests).
#
# Installed with vpbench as <prefix>/libexec/vpbench/fetch-guest-kernel.sh;
# in the sources it is ci/fetch-guest-kernel.sh.
# Usage: fetch-guest-kernel.sh [--print]
#   --print   only print the kernel and modules paths that would be used
set -euo pipefail

cache="${VPBENCH_CACHE:-${HOME}/.cache/vpbench}"
dest="${cache}/kernel"

die() { echo "fetch-guest-kernel: $*" >&2; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian/Ubuntu; otherwise pass --kernel FILE --modules DIR to vpbench run"
command -v dpkg >/dev/null || die "dpkg not found"

# Candidate metapackages for this distribution, best first.
candidates() {
	if [[ -n "${VPBENCH_KERNEL_PACKAGE:-}" ]]; then
		echo "$VPBENCH_KERNEL_PACKAGE"
		return
	fi
	local id="" like="" osr=${VPBENCH_OS_RELEASE:-/etc/os-release}
	if [[ -r $osr ]]; then
		id=$(. "$osr" && echo "${ID:-}")
		like=$(. "$osr" && echo "${ID_LIKE:-}")
	fi
	case " $id $like " in
	*" ubuntu "*) echo linux-image-kvm linux-image-virtual ;;
	*" debian "*) echo linux-image-cloud-amd64 ;;
	*) echo linux-image-cloud-amd64 linux-image-kvm linux-image-virtual ;;
	esac
}

# The metapackage depends on the versioned image package (Ubuntu's may be
# linux-image-unsigned-<version>); resolve it so the cache names the exact
# kernel version.
resolve() {
	local meta out
	for meta in $(candidates); do
		out=$(apt-cache depends "$meta" 2>/dev/null |
			awk '/Depends: linux-image-(unsigned-)?[0-9]/ { print $2; exit }') || true
		if [[ -n $out ]]; then
			echo "$out"
			return 0
		fi
	done
	return 1
}
pkg="$(resolve || true)"
if [[ -z "$pkg" ]]; then
	if [[ $(id -u) -eq 0 ]]; then
		apt-get update -qq || true
		pkg="$(resolve || true)"
	fi
fi
[[ -n "$pkg" ]] || die "cannot resolve $(candidates | tr ' ' '/') to a versioned kernel package (run 'apt-get update' first, or set VPBENCH_KERNEL_PACKAGE)"
ver="${pkg#linux-image-}"
ver="${ver#unsigned-}"
# Ubuntu ships the modules (and modules.builtin) in a separate package.
modpkg="$(apt-cache depends "$pkg" 2>/dev/null |
	awk '/Depends: linux-modules-[0-9]/ { print $2; exit }' || true)"

show() {
	echo "kernel:  ${dest}/boot/vmlinuz-${ver}"
	echo "modules: ${dest}/lib/modules/${ver}"
}

if [[ "${1:-}" == "--print" ]]; then
	show
	exit 0
fi

if [[ -r "${dest}/boot/vmlinuz-${ver}" && -r "${dest}/lib/modules/${ver}/modules.dep" ]]; then
	echo "fetch-guest-kernel: ${pkg} already in ${dest}"
	show
	exit 0
fi

mkdir -p "$dest"
tmp="$(mktemp -d "${cache}/fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# apt-get download writes into the current directory; as root it falls back
# to an unsandboxed download, which is fine for a single .deb.
(cd "$tmp" && apt-get download -q "$pkg" $modpkg) || die "apt-get download $pkg $modpkg failed (network or apt sources?)"
ls "$tmp"/*.deb >/dev/null 2>&1 || die "no .deb downloaded for $pkg"
# Unpack next to the final place, then move the pieces in, so an interrupted
# run never leaves a half-unpacked tree that looks complete.
mkdir -p "$tmp/root"
for deb in "$tmp"/*.deb; do
	dpkg -x "$deb" "$tmp/root"
done
[[ -f "$tmp/root/boot/vmlinuz-${ver}" ]] || die "$pkg has no boot/vmlinuz-${ver}"
[[ -d "$tmp/root/lib/modules/${ver}" ]] || die "$pkg ${modpkg} hold no lib/modules/${ver}"
mkdir -p "${dest}/boot" "${dest}/lib/modules"
rm -rf "${dest}/lib/modules/${ver}"
mv "$tmp/root/lib/modules/${ver}" "${dest}/lib/modules/${ver}"
# depmod output is not in the .deb (postinst runs depmod); generate it here
# when missing so the runner can resolve module dependencies.
if [[ ! -r "${dest}/lib/modules/${ver}/modules.dep" ]]; then
	command -v depmod >/dev/null || PATH="$PATH:/sbin:/usr/sbin"
	command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"
	depmod -b "$dest" "$ver"
fi
# The config documents what is built in (serial, virtio) for diagnosis.
if [[ -f "$tmp/root/boot/config-${ver}" ]]; then
	cp "$tmp/root/boot/config-${ver}" "${dest}/boot/config-${ver}"
fi
cp "$tmp/root/boot/vmlinuz-${ver}" "${dest}/boot/vmlinuz-${ver}.tmp"
mv "${dest}/boot/vmlinuz-${ver}.tmp" "${dest}/boot/vmlinuz-${ver}"
echo "fetch-guest-kernel: unpacked ${pkg}${modpkg:+ and $modpkg} into ${dest}"
show
