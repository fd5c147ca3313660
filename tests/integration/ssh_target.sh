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

sshd_bin=$(command -v sshd || true)
[[ -z "$sshd_bin" && -x /usr/sbin/sshd ]] && sshd_bin=/usr/sbin/sshd
[[ -n "$sshd_bin" ]] || skip "sshd not installed (apt-get install openssh-server)"
command -v ssh >/dev/null || skip "ssh client not installed"
command -v ssh-keygen >/dev/null || skip "ssh-keygen not installed"
[[ $(id -u) -eq 0 ]] || skip "sshd privilege separation needs root here"

work=$(mktemp -d /tmp/vpbench-ssh-test.XXXXXX)
sshd_pid=
cleanup() {
	[[ -n "$sshd_pid" ]] && kill "$sshd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
mkdir -p /run/sshd

# A free high port: try a few.
port=
for p in $(shuf -i 20000-60000 -n 10); do
	if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then port=$p; break; fi
done
[[ -n "$port" ]] || skip "no free port found"

sftp_server=/usr/lib/openssh/sftp-server
[[ -x $sftp_server ]] || sftp_server=internal-sftp
cat >"$work/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp $sftp_server
CFG
"$sshd_bin" -f "$work/sshd_config" -D -e 2>"$work/sshd.log" &
sshd_pid=$!
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
user=$(id -un)
export VPBENCH_SSH_OPTS="-F /dev/null -i $work/user_key -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes"
for i in $(seq 50); do
	ssh $VPBENCH_SSH_OPTS -o BatchMode=yes -p "$port" "$user@127.0.0.1" true 2>/dev/null && break
	sleep 0.1
done
ssh $VPBENCH_SSH_OPTS -o BatchMode=yes -p "$port" "$user@127.0.0.1" true ||
	{ cat "$work/sshd.log"; echo "FAIL: test sshd not reachable"; exit 1; }

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
		grep -q "^1,[^,]*,$tgt,ssh,none,[^,]*,[0-9]*,[0-9]*,$wl,$j,1,wall_s,[0-9.e+-]*,s,ok," "$res" ||
			fail "no ok wall_s row for $tgt $wl threads=$j"
	done
done
# The unreachable one failed with a reason naming the connection problem.
grep -q "^1,[^,]*,ssh:$user@127.0.0.1:1,ssh,.*,failed,.*ssh .*failed" "$res" ||
	fail "no failed rows with the ssh error for the unreachable target"
# A refused login (unknown user, so no authorized key) says so.
grep -q "^1,[^,]*,ssh:nosuchuser@127.0.0.1:$port,ssh,.*,failed,.*Permission denied" "$res" ||
	fail "no failed rows with the authentication error"
# ... and the next target still ran.
grep -q "^1,[^,]*,host,host,.*,cpu.int,1,1,ops_per_s,[0-9.e+-]*,ops/s,ok" "$res" ||
	fail "host target did not run after the failed ssh target"
[[ $rc -eq 1 ]] || fail "exit code $rc, expected 1 (some steps failed)"
# The remote temporary folder was removed.
left=$(ssh $VPBENCH_SSH_OPTS -o BatchMode=yes -p "$port" "$user@127.0.0.1" 'ls -d "${TMPDIR:-/tmp}"/vpbench.?????? 2>/dev/null | wc -l')
grep "ssh_remote_dir" "$out/env.csv" | while IFS=, read -r _ _ dir; do
	[[ ! -e "$dir" ]] || fail "remote folder $dir left behind"
done
echo "PASS: ssh target ($left stale folders from other runs)"
