#!/usr/bin/env bash
# SIGKILL of vpbench during a vm run (issue 11 defect 11): QEMU dies with
# it (PR_SET_PDEATHSIG), and the next run removes the dead run's QMP
# folder, guest initramfs and scratch image, which it can prove are its
# own (ledger with pid, start time, device and inode).
set -u
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/vm_common.bash"
vm_require
# vm_common's fail() exits at once; this test counts its checks instead.
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR="$tmp/rt" # a private ledger folder for this test
mkdir -m 0700 "$XDG_RUNTIME_DIR"
pid=
qmpdir=
cleanup() {
	[[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null
	# A QMP folder this test's run left (when the sweep failed).
	if [[ -n "$qmpdir" && -d "$qmpdir" ]]; then
		rm -f "$qmpdir/qmp.sock" && rmdir "$qmpdir"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"$VPBENCH" run -t vm1 -w cpu.int,io.randread -j 1 -r 50 -d 0.5 --counters none \
	--disk-size 16M -O size=1M --no-report -o "$tmp/killed" >"$tmp/killed.out" 2>&1 &
pid=$!
qemu=
for _ in $(seq 1 600); do # the guest is being built and booted (TCG)
	qemu=$(pgrep -P "$pid" -f qemu-system | head -1)
	[[ -n "$qemu" ]] && grep -q '^\[[0-9]*/' "$tmp/killed.out" && break
	sleep 0.5
done
check "QEMU started under vpbench ($(tail -2 "$tmp/killed.out"))" test -n "$qemu"
[[ -n "$qemu" ]] || finish
qmpdir=$(tr '\0' '\n' <"/proc/$qemu/cmdline" | sed -n 's|^unix:\(.*\)/qmp.sock.*|\1|p')
check "QMP folder known ($qmpdir)" test -d "$qmpdir"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
gone=0
for _ in $(seq 1 50); do
	if [[ ! -e /proc/$qemu ]] || grep -q '^State:.*Z' "/proc/$qemu/status" 2>/dev/null; then
		gone=1
		break
	fi
	sleep 0.1
done
if [[ $gone -eq 0 ]]; then kill -9 "$qemu" 2>/dev/null; fi # ours: never leave it
check "QEMU died with the SIGKILLed runner" test "$gone" -eq 1
check "the dead run left its initramfs" test -e "$tmp/killed/guest-initramfs.cpio"
check "the dead run left its scratch image" test -e "$tmp/killed/scratch.img"

# Any later run sweeps them, naming what it removed.
"$VPBENCH" run -t host -w cpu.int -j 1 -r 1 -d 0.05 --counters none --no-report \
	-o "$tmp/next" >/dev/null 2>"$tmp/next.err"
check "next run says what it removed" grep -q "removed leftovers of killed runs" "$tmp/next.err"
check "QMP folder removed" test ! -e "$qmpdir"
check "initramfs removed" test ! -e "$tmp/killed/guest-initramfs.cpio"
check "scratch image removed" test ! -e "$tmp/killed/scratch.img"
check "the dead run's rows stay" test -s "$tmp/killed/results.csv"
finish
