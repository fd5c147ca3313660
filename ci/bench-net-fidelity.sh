#!/usr/bin/env bash
# Fidelity benchmark of the net.* workloads against the reference tools, on
# the host's loopback only (127.0.0.1): does vpbench measure what they do?
#   net.stream vs iperf3 (128 KiB writes, 1 and 2 streams, a process per
#   stream): MiB/s sent;
#   net.rr -j 1 vs sockperf ping-pong over TCP (64-byte messages, one in
#   flight): round trips/s (sockperf: received replies / valid run time);
#   both also vs qperf (tcp_bw with 128 KiB messages, a process pair per
#   stream; tcp_lat), a second reference whose loops are plain send/recv:
#   iperf3 3.12's server does a pselect() before every read, which costs
#   throughput once the endpoints outnumber the CPUs (2 streams here).
#   qperf's server listens on every address, so each qperf measurement runs
#   in a network namespace of its own with only its loopback up (root;
#   without unshare(1) or root the qperf lines are skipped).
# Both sides have the server in a process of its own: vpbench with
# -O peer=host (the runner's net-peer process), iperf3 -s, sockperf server.
# Runs are interleaved (vpbench, reference, vpbench, ...) so drift of the
# machine hits both alike; the verdict is the median of the per-round
# ratios. Target: ratio within 1 +- TOLERANCE (0.9-1.1).
#
# Usage: ci/bench-net-fidelity.sh [BUILD_DIR]
# Environment: VPBENCH (binary; default BUILD_DIR/vpbench or build/vpbench),
#   ROUNDS (5), DURATION (2 s), WARMUP (1 s, whole seconds: iperf3's
#   --omit takes no fraction), STREAMS ("1 2"), MSG (64),
#   TOLERANCE (0.10), PEER (host; local puts vpbench's server in its own
#   process), KEEP_WORKDIR (1: keep the raw outputs).
# Exit: 0 all PASS, 1 some FAIL, 2 usage/tool error, 77 a tool missing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
VPBENCH=${VPBENCH:-$build/vpbench}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-2}
WARMUP=${WARMUP:-1}
STREAMS=${STREAMS:-"1 2"}
MSG=${MSG:-64}
TOLERANCE=${TOLERANCE:-0.10}
PEER=${PEER:-host}

. "$(dirname "$0")/bench-lib.bash"
bench_init bench-net-fidelity
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP=$WARMUP: whole seconds (iperf3's --omit)"
for t in iperf3 sockperf; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed (apt-get install $t)"; exit 77; }
done
bench_workdir "${TMPDIR:-/tmp}" netfid
servers=()
stop_servers() {
	local p
	for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${servers[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'stop_servers; bench_cleanup' EXIT

# A free loopback port (bound and released: the servers take it at once).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# vpbench_metric WORKLOAD THREADS METRIC OUT [-O msg=...]: one rep, prints it.
vpbench_metric() {
	local wl=$1 j=$2 metric=$3 out=$4
	shift 4
	"$VPBENCH" run -t host -w "$wl" -j "$j" -r 1 -d "$DURATION" --warmup "$WARMUP" \
		--counters none -O peer="$PEER" "$@" --no-report -o "$out" >"$out.log" 2>&1 ||
		{ cat "$out.log" >&2; die "vpbench run failed"; }
	python3 - "$out/results.csv" "$wl" "$j" "$metric" <<'PY'
import csv, sys
f, wl, j, m = sys.argv[1:]
rows = [r for r in csv.DictReader(open(f, newline=''))
        if r["workload"] == wl and r["threads"] == j and r["metric"] == m]
if len(rows) != 1 or rows[0]["status"] != "ok":
    sys.exit("no ok %s row in %s: %s" % (m, f, rows))
print(rows[0]["value"])
PY
}

# iperf3 before 3.16 runs all -P streams on one thread (Debian 12 ships
# 3.12), vpbench one thread per connection: N streams are N iperf3 client
# processes against N servers, so both sides have N threads per end.
max_streams=$(printf '%s\n' $STREAMS | sort -n | tail -1)
iperf_ports=()
for i in $(seq 1 "$max_streams"); do
	iperf_ports+=("$(free_port)")
	iperf3 -s -B 127.0.0.1 -p "${iperf_ports[-1]}" >"$work/iperf3-server$i.log" 2>&1 &
	servers+=($!)
done
sock_port=$(free_port)
sockperf server --tcp -i 127.0.0.1 -p "$sock_port" >"$work/sockperf-server.log" 2>&1 &
servers+=($!)
sleep 1

# iperf3_mib STREAMS OUT: MiB/s sent, summed over STREAMS client processes
# started together. --omit mirrors vpbench's warm-up: without it iperf3's
# first second (slow start, a cold peer) counts, about a third of the rate
# of the next ones here.
iperf3_mib() {
	local i pids=()
	for i in $(seq 1 "$1"); do
		iperf3 -c 127.0.0.1 -p "${iperf_ports[i - 1]}" -t "$DURATION" -O "$WARMUP" \
			-l 128K -J >"$2.$i.json" 2>"$2.$i.log" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || die "iperf3 failed (see $2.*.log)"; done
	python3 -c '
import json, sys
print(sum(json.load(open(f))["end"]["sum_sent"]["bits_per_second"] for f in sys.argv[1:]) / 8 / 1048576)' "$2".*.json
}

# qperf_in_netns OUT TEST MSG STREAMS: runs STREAMS qperf server/client
# pairs together in a fresh network namespace (loopback only) and prints
# the summed bytes/s (tcp_bw) or the round trips/s (tcp_lat: qperf's
# msg_rate counts both directions, a round trip is two messages).
qperf_in_netns() {
	local out=$1 test=$2 msg=$3 n=$4
	unshare --net bash -s "$DURATION" "$test" "$msg" "$n" "$out" >"$out.log" 2>&1 <<'SH' ||
set -eu
dur=$1 test=$2 msg=$3 n=$4 out=$5
ip link set lo up
srv=()
for i in $(seq 1 "$n"); do qperf -lp $((19810 + i)) & srv+=($!); done
sleep 0.3
cl=()
for i in $(seq 1 "$n"); do
	qperf -lp $((19810 + i)) -t "$dur" -m "$msg" -uu -e 7 -v 127.0.0.1 "$test" >"$out.$i" &
	cl+=($!)
done
rc=0
for p in "${cl[@]}"; do wait "$p" || rc=1; done
kill "${srv[@]}" 2>/dev/null || true
exit $rc
SH
		{ cat "$out.log" >&2; die "qperf $test failed (see $out.log)"; }
	python3 - "$test" "$out".[0-9]* <<'PY'
import re, sys
test, files = sys.argv[1], sys.argv[2:]
tot = 0.0
for f in files:
    t = open(f).read()
    rate = re.search(r"msg_rate\s*=\s*([0-9.]+)", t)
    size = re.search(r"msg_size\s*=\s*([0-9.]+) bytes", t)
    if not rate or not size:
        sys.exit("no msg_rate/msg_size in " + f)
    tot += float(rate.group(1)) * float(size.group(1)) / 1048576 if test == "tcp_bw" \
        else float(rate.group(1)) / 2
print(tot)
PY
}
have_qperf=0
if command -v qperf >/dev/null && command -v unshare >/dev/null && [[ $(id -u) -eq 0 ]]; then
	have_qperf=1
else
	echo "note: qperf lines skipped (needs qperf, unshare and root for its own network namespace)"
fi

# sockperf_rtps OUT: round trips/s over sockperf's valid duration.
sockperf_rtps() {
	sockperf ping-pong --tcp -i 127.0.0.1 -p "$sock_port" -m "$MSG" -t "$DURATION" \
		>"$1.log" 2>&1 || { cat "$1.log" >&2; die "sockperf failed"; }
	python3 - "$1.log" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"\[Valid Duration\] RunTime=([0-9.]+) sec;.*ReceivedMessages=([0-9]+)", t)
if not m:
    sys.exit("no [Valid Duration] line in " + sys.argv[1])
print(float(m.group(2)) / float(m.group(1)))
PY
}

load() { python3 -c 'import os; print("%.2f" % os.getloadavg()[0])'; }
echo "== loopback fidelity: $ROUNDS interleaved rounds of ${DURATION}s, peer=$PEER, load $(load)"
fails=0
report() { # report NAME RATIOS...
	local name=$1
	shift
	python3 - "$name" "$TOLERANCE" "$@" <<'PY' || fails=$((fails + 1))
import statistics, sys
name, tol = sys.argv[1], float(sys.argv[2])
r = [float(x) for x in sys.argv[3:]]
med = statistics.median(r)
ok = abs(med - 1) <= tol
print("%-28s median ratio %.3f (rounds %s) %s" % (name, med,
      " ".join("%.3f" % x for x in r), "PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
}

ratio() { python3 -c 'import sys; print(float(sys.argv[1])/float(sys.argv[2]))' "$1" "$2"; }
for p in $STREAMS; do
	ratios=() qratios=()
	for r in $(seq 1 "$ROUNDS"); do
		v=$(vpbench_metric net.stream "$p" mib_per_s "$work/s$p-$r" -O msg=128k)
		ref=$(iperf3_mib "$p" "$work/iperf$p-$r")
		ratios+=("$(ratio "$v" "$ref")")
		line="  stream P=$p round $r: vpbench $v MiB/s, iperf3 $ref MiB/s"
		if [[ $have_qperf == 1 ]]; then
			q=$(qperf_in_netns "$work/qbw$p-$r" tcp_bw 128K "$p")
			qratios+=("$(ratio "$v" "$q")")
			line+=", qperf $q MiB/s"
		fi
		echo "$line"
	done
	report "net.stream vs iperf3 x$p" "${ratios[@]}"
	[[ $have_qperf == 0 ]] || report "net.stream vs qperf tcp_bw x$p" "${qratios[@]}"
done
ratios=() qratios=()
for r in $(seq 1 "$ROUNDS"); do
	v=$(vpbench_metric net.rr 1 ops_per_s "$work/rr-$r" -O msg="$MSG")
	ref=$(sockperf_rtps "$work/sockperf-$r")
	ratios+=("$(ratio "$v" "$ref")")
	line="  rr round $r: vpbench $v round trips/s, sockperf $ref"
	if [[ $have_qperf == 1 ]]; then
		q=$(qperf_in_netns "$work/qlat-$r" tcp_lat "$MSG" 1)
		qratios+=("$(ratio "$v" "$q")")
		line+=", qperf $q"
	fi
	echo "$line"
done
report "net.rr vs sockperf ping-pong" "${ratios[@]}"
[[ $have_qperf == 0 ]] || report "net.rr vs qperf tcp_lat" "${qratios[@]}"
echo "load at the end $(load) (a shared machine moves these figures; rerun when busy)"
[[ $fails -eq 0 ]]
