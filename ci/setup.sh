#!/usr/bin/env bash
# Installs every Debian/Ubuntu package vpbench needs to build, test and run
# (as root, idempotent, no prompts). Skips apt entirely when all are present.
# Optional packages (a browser for the report screenshot test) are installed
# only where the distribution has them: Ubuntu ships chromium as a snap, and
# the test that needs it skips with the reason.
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang-format help2man
	libhwloc-dev hwloc libpfm4-dev libpapi-dev papi-tools libcsv-dev libjson-c-dev
	libcriterion-dev
	qemu-system-x86 qemu-utils cpio kmod xz-utils zstd busybox-static
	openssh-server openssh-client
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev
	libxml2-dev netcat-openbsd
	fio sysbench stress-ng
	python3 cmark-gfm
	libsqlite3-dev sqlite3 libpq-dev postgresql liburing-dev iproute2
	iperf3 sockperf qperf
)
optional=(chromium)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep 'install ok installed' >/dev/null; }
available() { apt-cache policy "$1" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null; }

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
# Optional packages trigger apt only when the package lists offer them.
add_optional() {
	local p
	for p in "${optional[@]}"; do
		installed "$p" || ! available "$p" || [[ " ${missing[*]} " == *" $p "* ]] ||
			missing+=("$p")
	done
}
add_optional
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
	echo "ci/setup.sh: missing packages: ${missing[*]}" >&2
	echo "run as root (sudo bash ci/setup.sh) to install them" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
add_optional # fresh package lists may offer them now
for p in "${optional[@]}"; do
	installed "$p" || available "$p" ||
		echo "ci/setup.sh: optional package $p is not available here: skipped" >&2
done
echo "ci/setup.sh: installing ${missing[*]}" >&2
apt-get install -y -q --no-install-recommends "${missing[@]}"
