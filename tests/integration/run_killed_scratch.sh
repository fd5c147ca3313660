#!/usr/bin/env bash
# Issue 20: the 64 MiB scratch file of io.* (vpbench-io.*, in the run folder
# or in an -O path=DIR) of a run killed with SIGKILL is removed by the next
# run's sweep of the leftovers ledger, like QEMU's and ssh's leftovers.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-int.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sd" "$tmp/xdg"
# A ledger of our own: other runs on this machine sweep the shared one
# and would remove (and report) our leftovers first.
chmod 700 "$tmp/xdg"
export XDG_RUNTIME_DIR="$tmp/xdg"

killed_run() { # out-dir extra-args...
	local out=$1
	shift
	"$VPBENCH" run -t host -w io.randread -j 1 -r 5 -d 1 --counters none \
		-o "$out" "$@" >/dev/null 2>&1 &
	local pid=$!
	for _ in $(seq 300); do
		compgen -G "$out/vpbench-io.*" >/dev/null && break
		compgen -G "$tmp/sd/vpbench-io.*" >/dev/null && break
		sleep 0.05
	done
	sleep 0.3 # past the fill, into the measured steps
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
}

killed_run "$tmp/k1"
check "killed run left its scratch file in the run folder" compgen -G "$tmp/k1/vpbench-io.*"
# The next run (this one, killed too) sweeps the first one's file.
killed_run "$tmp/k2" -O path="$tmp/sd"
check "the second run removed the first one's scratch file" test -z "$(compgen -G "$tmp/k1/vpbench-io.*")"
check "killed run left its scratch file in path=DIR" compgen -G "$tmp/sd/vpbench-io.*"
timeout 120 "$VPBENCH" run -t host -w cpu.int -j 1 -r 1 -d 0.1 --counters none \
	--no-report -o "$tmp/next" >"$tmp/out" 2>&1
cat "$tmp/out"
check "the next run names what it removed" grep -q "removed leftovers of killed runs: .*vpbench-io" "$tmp/out"
check "scratch file in path=DIR removed" test -z "$(compgen -G "$tmp/sd/vpbench-io.*")"
check "the killed run's rows kept" test -s "$tmp/k1/results.csv"
finish
