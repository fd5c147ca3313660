#!/usr/bin/env bash
# Fetches a guest kernel for vpbench's vmN targets when the host has no
# readable /boot/vmlinuz-$(uname -r): Debian's linux-image-cloud-amd64
# (virtio drivers as modules, small, boots fast) is downloaded with
# `apt-get download` and unpacked with `dpkg -x` into the cache folder the
# runner searches, ${VPBENCH_CACHE:-$HOME/.cache/vpbench}/kernel/. Nothing is
# installed on the host. Idempotent: an already unpacked version is kept.
#
# Usage: bash ci/fetch-guest-kernel.sh [--print]
#   --print   only print the kernel and modules paths that would be used
set -euo pipefail

cache="${VPBENCH_CACHE:-${HOME}/.cache/vpbench}"
dest="${cache}/kernel"
meta="${VPBENCH_KERNEL_PACKAGE:-linux-image-cloud-amd64}"

die() { echo "fetch-guest-kernel: $*" >&2; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian/Ubuntu; otherwise pass --kernel FILE --modules DIR to vpbench run"
command -v dpkg >/dev/null || die "dpkg not found"

# The metapackage depends on the versioned image package; resolve it so the
# cache names the exact kernel version.
resolve() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg="$(resolve || true)"
if [[ -z "$pkg" ]]; then
	if [[ $(id -u) -eq 0 ]]; then
		apt-get update -qq || true
		pkg="$(resolve || true)"
	fi
fi
[[ -n "$pkg" ]] || die "cannot resolve $meta to a versioned package (run 'apt-get update' first)"
ver="${pkg#linux-image-}"

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
(cd "$tmp" && apt-get download -q "$pkg") || die "apt-get download $pkg failed (network or apt sources?)"
deb="$(ls "$tmp"/*.deb | head -n1)"
[[ -f "$deb" ]] || die "no .deb downloaded for $pkg"
# Unpack next to the final place, then move the pieces in, so an interrupted
# run never leaves a half-unpacked tree that looks complete.
mkdir -p "$tmp/root"
dpkg -x "$deb" "$tmp/root"
[[ -f "$tmp/root/boot/vmlinuz-${ver}" ]] || die "$deb has no boot/vmlinuz-${ver}"
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
echo "fetch-guest-kernel: unpacked ${pkg} into ${dest}"
show
