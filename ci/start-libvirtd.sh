#!/usr/bin/env bash
# Starts libvirt's daemons on a machine without systemd (containers, CI
# runners), as root, so the libvirt:vmN@URI targets have a qemu:///system
# to talk to. Idempotent: a daemon that already answers is left alone.
#
# What libvirt 9 needs when no unit file prepares it: the libvirt-qemu user
# and group and the kvm group (the QEMU driver drops privileges to them),
# /dev/kvm usable by group kvm (as udev would set it), /var/log/libvirt
# and /var/run/libvirt, virtlogd running before libvirtd (QEMU's output
# goes through it). The script then waits until
# `virsh -c qemu:///system version` answers.
#
# Exit: 0 the daemon answers; 1 it did not start (the reason and the log
# tail on stderr); 2 not root or libvirt not installed.
set -euo pipefail

uri=qemu:///system
say() { echo "ci/start-libvirtd.sh: $*" >&2; }

answers() { timeout 10 virsh -c "$uri" version >/dev/null 2>&1; }

for bin in libvirtd virtlogd virsh; do
	if ! command -v "$bin" >/dev/null && [[ ! -x /usr/sbin/$bin ]]; then
		say "$bin not found: install libvirt-daemon, libvirt-daemon-driver-qemu and libvirt-clients (bash ci/setup.sh)"
		exit 2
	fi
done
export PATH=$PATH:/usr/sbin

if answers; then
	say "libvirtd already answers on $uri"
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	say "libvirtd does not answer on $uri and starting it needs root (sudo bash $0)"
	exit 2
fi

getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
	useradd --system --gid libvirt-qemu --groups kvm --home-dir /var/lib/libvirt \
		--no-create-home --shell /usr/sbin/nologin libvirt-qemu
getent group libvirt >/dev/null || groupadd --system libvirt
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/images

# What udev does on a normal host: /dev/kvm belongs to group kvm, mode 0660.
# QEMU runs as libvirt-qemu (a kvm member); with a root-only /dev/kvm it
# cannot open it, and libvirtd, whose capability probe ran as root and saw
# KVM, then re-probes QEMU on every domain start (tens of seconds each).
if [[ -c /dev/kvm ]]; then
	chgrp kvm /dev/kvm && chmod g+rw /dev/kvm ||
		say "cannot give group kvm access to /dev/kvm: domains fall back to TCG"
fi

# Is a daemon running (by exact process name, zombies excluded)?
running() {
	local pid
	for pid in $(pgrep -x "$1"); do
		[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] && return 0
	done
	return 1
}
running virtlogd || virtlogd -d
if ! running libvirtd; then
	# A stale pid file from a killed daemon makes libvirtd refuse to start.
	rm -f /var/run/libvirtd.pid
	libvirtd -d
else
	say "a libvirtd runs but does not answer on $uri (hung? stop it and run this again)"
fi

for _ in $(seq 60); do
	if answers; then
		say "libvirtd answers on $uri ($(virsh -c "$uri" version 2>/dev/null | sed -n 's/^Running hypervisor: //p'))"
		exit 0
	fi
	sleep 0.5
done
say "libvirtd did not answer on $uri within 30 s"
if ! pgrep -x libvirtd >/dev/null; then
	say "libvirtd is not running; its log:"
fi
tail -n 20 /var/log/libvirt/libvirtd.log 2>/dev/null >&2 || true
virsh -c "$uri" version >&2 || true
exit 1
