#!/usr/bin/env bash
# The ssh target against a real sshd started here on loopback: generated host
# and user keys in a mktemp -d folder, sshd with its own config on a high
# port, a generated known_hosts (host-key checking stays on), and the
# client options passed through VPBENCH_SSH_OPTS. The user's ~/.ssh is never
# touched. Also checks that an unreachable ssh target fails with a clear
# reason while the next target still runs.
set -euo pipefail

: "${VPBENCH:?VPBENCH must point at the vpbench binary}"
skip() { echo "SKIP: $*"; exit 77; }

work=$(mktemp -d /tmp/vpbench-ssh-test.XXXXXX)
sshd_pid=
cleanup() {
	[[ -n "$sshd_pid" ]] && kill "$sshd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/loopback_sshd.bash"
# The remote side's temporary folders go to rtmp: a killed run's leftovers
# are then this test's to see, whatever else uses /tmp.
mkdir "$work/rtmp"
loopback_sshd "$work" "SetEnv TMPDIR=$work/rtmp" || skip "$sshd_why"
port=$sshd_port
user=$(id -un)
export VPBENCH_SSH_OPTS="$ssh_opts"

out="$work/run"
set +e
"$VPBENCH" run -t "ssh:$user@127.0.0.1:$port,ssh:$user@127.0.0.1:1,ssh:nosuchuser@127.0.0.1:$port,host" \
	-w cpu.int,lock.mutex,io.randread -j 1,2 -r 1 -d 0.2 -o "$out" --no-report -q
rc=$?
set -e
echo "vpbench run exit $rc"
res="$out/results.csv"
[[ -f "$res" ]] || { echo "FAIL: no results.csv"; exit 1; }
fail() { echo "FAIL: $*"; head -40 "$res"; exit 1; }

tgt="ssh:$user@127.0.0.1:$port"
# Every workload x threads step came back ok from the ssh target.
for wl in cpu.int lock.mutex io.randread; do
	for j in 1 2; do
		grep -q "^2,[^,]*,$tgt,ssh,none,[^,]*,[0-9]*,[0-9]*,$wl,$j,1,wall_s,[0-9.e+-]*,s,ok," "$res" ||
			fail "no ok wall_s row for $tgt $wl threads=$j"
	done
done
# The unreachable one failed with a reason naming the connection problem.
grep -q "^2,[^,]*,ssh:$user@127.0.0.1:1,ssh,.*,failed,.*ssh .*failed" "$res" ||
	fail "no failed rows with the ssh error for the unreachable target"
# A refused login (unknown user, so no authorized key) says so.
grep -q "^2,[^,]*,ssh:nosuchuser@127.0.0.1:$port,ssh,.*,failed,.*Permission denied" "$res" ||
	fail "no failed rows with the authentication error"
# ... and the next target still ran.
grep -q "^2,[^,]*,host,host,.*,cpu.int,1,1,ops_per_s,[0-9.e+-]*,ops/s,ok" "$res" ||
	fail "host target did not run after the failed ssh target"
[[ $rc -eq 1 ]] || fail "exit code $rc, expected 1 (some steps failed)"
# The remote temporary folder was removed.
left=$(ssh $VPBENCH_SSH_OPTS -o BatchMode=yes -p "$port" "$user@127.0.0.1" 'ls -d "${TMPDIR:-/tmp}"/vpbench.?????? 2>/dev/null | wc -l')
[[ -n "$left" ]] || fail "cannot list the remote temporary folders"
grep "ssh_remote_dir" "$out/env.csv" | while IFS=, read -r _ _ dir; do
	[[ ! -e "$dir" ]] || fail "remote folder $dir left behind"
done
[[ $left -eq 0 ]] || fail "$left remote folders left in $work/rtmp"

# vpbench killed (SIGKILL: no teardown) while the agent runs: ssh dies
# with it, the agent's next record fails, and the remote shell removes the
# folder all the same.
"$VPBENCH" run -t "$tgt" -w cpu.int -j 1 -r 20 -d 0.5 -o "$work/killed" --no-report -q &
vp=$!
for _ in $(seq 100); do
	pgrep -f "$work/rtmp/vpbench\.[^/]*/vpbench agent" >/dev/null && break
	sleep 0.2
done
pgrep -f "$work/rtmp/vpbench\.[^/]*/vpbench agent" >/dev/null || fail "the remote agent never started"
sleep 1
kill -KILL "$vp"
wait "$vp" 2>/dev/null || true
for _ in $(seq 50); do
	[[ -z "$(ls -A "$work/rtmp")" ]] && break
	sleep 0.2
done
[[ -z "$(ls -A "$work/rtmp")" ]] || fail "after SIGKILL the remote folder stayed: $(ls "$work/rtmp")"
! pgrep -f "$work/rtmp/vpbench\.[^/]*/vpbench agent" >/dev/null || fail "the remote agent outlived the killed run"
echo "PASS: ssh target, remote folder removed after a normal end and after SIGKILL"
