# A throwaway sshd on loopback for the tests that need a real ssh server
# (sourced, not a test itself): host and user keys generated in the test's
# own folder, a free high port, host-key checking kept on through a
# generated known_hosts. The user's ~/.ssh is never touched.
#
# loopback_sshd WORK [CONFIG_LINE...]: starts it (the lines are added to
# its sshd_config); sets sshd_pid, sshd_port and ssh_opts (the
# client options that reach it: key, known_hosts, no user config). Returns
# 1 with the reason in sshd_why when it cannot run here (no sshd, no ssh,
# not root, no free port) and exits the test with FAIL when sshd started
# but does not answer. The caller kills $sshd_pid on exit.
loopback_sshd() {
	local work=$1 bin p sftp
	shift
	sshd_pid= sshd_port= ssh_opts= sshd_why=
	bin=$(command -v sshd || true)
	[[ -z "$bin" && -x /usr/sbin/sshd ]] && bin=/usr/sbin/sshd
	[[ -n "$bin" ]] || { sshd_why="sshd not installed (apt-get install openssh-server)"; return 1; }
	command -v ssh >/dev/null || { sshd_why="ssh client not installed"; return 1; }
	command -v ssh-keygen >/dev/null || { sshd_why="ssh-keygen not installed"; return 1; }
	[[ $(id -u) -eq 0 ]] || { sshd_why="sshd privilege separation needs root here"; return 1; }
	for p in $(shuf -i 20000-60000 -n 10); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			sshd_port=$p
			break
		fi
	done
	[[ -n "$sshd_port" ]] || { sshd_why="no free port found"; return 1; }
	ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
	cp "$work/user_key.pub" "$work/authorized_keys"
	chmod 600 "$work/authorized_keys"
	mkdir -p /run/sshd
	sftp=/usr/lib/openssh/sftp-server
	[[ -x $sftp ]] || sftp=internal-sftp
	cat >"$work/sshd_config" <<CFG
Port $sshd_port
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
Subsystem sftp $sftp
CFG
	for p in "$@"; do echo "$p" >>"$work/sshd_config"; done
	"$bin" -f "$work/sshd_config" -D -e 2>"$work/sshd.log" &
	sshd_pid=$!
	echo "[127.0.0.1]:$sshd_port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
	ssh_opts="-F /dev/null -i $work/user_key -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes"
	for _ in $(seq 50); do
		# shellcheck disable=SC2086 # ssh_opts is a list of options
		ssh $ssh_opts -o BatchMode=yes -p "$sshd_port" "$(id -un)@127.0.0.1" true 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$work/sshd.log"
	echo "FAIL: test sshd not reachable"
	exit 1
}
