#!/usr/bin/env bash
# net.* through the real CLI: -t host,vm2 -j 1,2 with peer=local and
# peer=host gives 0 failed rows and the NIC facts in env.csv; as root,
# vm2:net=tap too (the NIC on a tap in the peer's own network namespace);
# vhost=on is refused with the reason; the host-side peer process is gone
# after the run, after Ctrl-C and after a SIGKILL of the runner (its stdin
# pipe closes with the runner), and so are QEMU and the peer's network
# namespace (no process is left in it).
set -u
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/vm_common.bash"
vm_require
# vm_common's fail() exits at once; this test counts its checks instead.
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR="$tmp/rt"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
pid=
cleanup() {
	[[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Children of pid $1 running "net-peer".
peers_of() { pgrep -P "$1" -f 'net-peer( tap)?$' || true; }
gone() { # gone PID...: each exited (or a zombie) within 10 s
	local p
	for p in "$@"; do
		for _ in $(seq 1 100); do
			[[ ! -e /proc/$p ]] && break
			grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && break
			sleep 0.1
		done
		[[ -e /proc/$p ]] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && return 1
	done
	return 0
}

# Is any process still in network namespace $1 (net:[inode])?
netns_used() {
	local l
	for l in /proc/[0-9]*/ns/net; do
		[[ $(readlink "$l" 2>/dev/null) == "$1" ]] && return 0
	done
	return 1
}
netns_gone() { ! netns_used "$1"; }

for peer in local host; do
	out="$tmp/$peer"
	"$VPBENCH" run -t host,vm2 -w net -j 1,2 -r 1 -d 0.3 --warmup 0.1 \
		--counters none -O peer=$peer --no-report -o "$out" >"$out.log" 2>&1
	check "peer=$peer: run exits 0 ($(tail -3 "$out.log"))" test $? -eq 0
	check "peer=$peer: no failed row" test "$(csvq "$out/results.csv" \
		"sum(r['status'] == 'failed' for r in rows)")" = 0
	check "peer=$peer: ops_per_s of both workloads, targets and thread counts" \
		test "$(csvq "$out/results.csv" "len({(r['target'], r['workload'], r['threads']) for r in rows if r['metric'] == 'ops_per_s' and r['status'] == 'ok' and float(r['value']) > 0})")" = 8
	check "peer=$peer: rtt percentiles" test "$(csvq "$out/results.csv" \
		"sum(r['metric'] == 'rtt_p50_us' and r['status'] == 'ok' for r in rows)")" = 4
	check "peer=$peer: notes say where the peer was" grep -q "peer=$peer" "$out/results.csv"
done
check "vm2 env.csv: virtio-net NIC on user networking" \
	grep -q '^vm2,net_nic,virtio-net-pci' "$tmp/host/env.csv"
check "vm2 env.csv: backend, vhost, queues" \
	test "$(grep -cE '^vm2,net_(backend|vhost|queues),' "$tmp/host/env.csv")" = 3
check "host env.csv: its peer on the loopback" grep -q '^host,net_peer,.*127.0.0.1' "$tmp/host/env.csv"
check "peer=local: the guest has no NIC" grep -q '^vm2,net_nic,none' "$tmp/local/env.csv"

# vhost=on: refused with the reason, as failed rows; nothing booted.
"$VPBENCH" run -t vm2:vhost=on -w net.rr -j 1 -r 1 -d 0.1 --counters none \
	-O peer=host --no-report -o "$tmp/vhost" >"$tmp/vhost.log" 2>&1
check "vhost=on: run exits 1" test $? -eq 1
check "vhost=on without tap: failed rows say it needs tap" \
	grep -q 'failed,.*vhost=on: vhost-net needs a tap backend' "$tmp/vhost/results.csv"

tap=0
if [[ $(id -u) -ne 0 ]]; then
	echo "net=tap part skipped: needs root (a network namespace and a tap)"
elif [[ ! -c /dev/net/tun ]]; then
	echo "net=tap part skipped: no /dev/net/tun"
else
	tap=1
	out="$tmp/tap"
	"$VPBENCH" run -t vm2:net=tap -w net -j 1,2 -r 1 -d 0.3 --warmup 0.1 \
		--counters none -O peer=host --no-report -o "$out" >"$out.log" 2>&1
	check "net=tap: run exits 0 ($(tail -3 "$out.log"))" test $? -eq 0
	check "net=tap: no failed row" test "$(csvq "$out/results.csv" \
		"sum(r['status'] == 'failed' for r in rows)")" = 0
	check "net=tap: ops_per_s of both workloads at 1 and 2 threads" \
		test "$(csvq "$out/results.csv" "len({(r['workload'], r['threads']) for r in rows if r['metric'] == 'ops_per_s' and r['status'] == 'ok'})")" = 4
	check "net=tap: env.csv says tap" grep -q '^vm2:net=tap,net_backend,"tap' "$out/env.csv"
	check "net=tap: no tap in the host's namespace" test ! -e /sys/class/net/vptap0
	if [[ -e /dev/vhost-net ]]; then
		echo "vhost=on refusal not checked: this host has /dev/vhost-net"
	else
		"$VPBENCH" run -t vm2:net=tap,vhost=on -w net.rr -j 1 -r 1 -d 0.1 --counters none \
			-O peer=host --no-report -o "$tmp/vhost2" >/dev/null 2>&1
		check "net=tap,vhost=on: refused naming /dev/vhost-net" \
			grep -q 'failed,.*/dev/vhost-net is not usable' "$tmp/vhost2/results.csv"
	fi
fi

# Ctrl-C, then SIGKILL, while a guest runs net.rr against the host peer.
vm=vm2
[[ $tap -eq 1 ]] && vm=vm2:net=tap
for sig in INT KILL; do
	out="$tmp/sig$sig"
	"$VPBENCH" run -t host,$vm -w net.rr -j 1 -r 50 -d 0.3 --counters none \
		-O peer=host --no-report -o "$out" >"$out.log" 2>&1 &
	pid=$!
	peers= qemu=
	for _ in $(seq 1 600); do # the host target first, then the guest
		qemu=$(pgrep -P "$pid" -f qemu-system | head -1)
		peers=$(peers_of "$pid")
		[[ -n "$qemu" && -n "$peers" ]] && grep -q 'net.rr' "$out/results.csv" 2>/dev/null &&
			grep -q '^"\?vm2' "$out/env.csv" 2>/dev/null && break
		sleep 0.2
	done
	check "SIG$sig: guest and its peer running" test -n "$qemu" -a -n "$peers"
	ns=$(readlink "/proc/$peers/ns/net" 2>/dev/null || true)
	kill -$sig "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	pid=
	[[ $sig == INT ]] && check "SIGINT: exit 130 (got $rc)" test "$rc" -eq 130
	check "SIG$sig: no net peer left" gone $peers
	check "SIG$sig: no QEMU left" gone $qemu
	if [[ $tap -eq 1 ]]; then
		check "SIG$sig: the peer had its own namespace" test "$ns" != "$(readlink /proc/self/ns/net)"
		check "SIG$sig: nothing left in it" netns_gone "$ns"
	fi
	[[ -n "$qemu" ]] && kill -9 $qemu $peers 2>/dev/null # never leave ours
done
finish
