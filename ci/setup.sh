#!/usr/bin/env bash
# Installs every Debian package vpbench needs to build, test and run (as
# root, idempotent, no prompts). Skips apt entirely when all are present.
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang-format
	libhwloc-dev hwloc libpfm4-dev libpapi-dev papi-tools libcsv-dev
	libcriterion-dev
	qemu-system-x86 qemu-utils cpio kmod xz-utils zstd busybox-static
	openssh-server openssh-client
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev
	libxml2-dev netcat-openbsd
	fio sysbench stress-ng
	chromium python3
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "ci/setup.sh: missing packages: ${missing[*]}" >&2
		echo "run as root (sudo bash ci/setup.sh) to install them" >&2
		exit 2
	fi
	echo "ci/setup.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
