#!/usr/bin/env bash
# ssh target strings (issue 11 defect 8): one parser for the plan-time
# check and the target. Malformed forms are refused before the run (exit 2,
# no folder); IPv6 reaches ssh bare (`::1`) and scp in brackets
# (`[::1]:dir/`). ssh and scp are stubs that log their argv, so no sshd is
# needed.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in 'ssh:@host' 'ssh:[]' 'ssh:[::1' 'ssh:[::1]:x' 'ssh:u@h@h' 'ssh:box:+22'; do
	out=$(timeout 60 "$VPBENCH" run -t "$t" -w cpu.int -j 1 -r 1 -d 0.05 -o "$tmp/bad" 2>&1)
	rc=$?
	check "$t refused before the run (exit $rc)" test "$rc" -eq 2
	check "$t: message names the form ($out)" grep -q "expected ssh:\[user@\]host\[:port\]" <<<"$out"
done
check "refused ssh targets create no folder" test ! -e "$tmp/bad"

mkdir "$tmp/bin"
cat >"$tmp/bin/ssh" <<STUB
#!/bin/sh
{ echo "--- ssh"; for a in "\$@"; do echo "\$a"; done; } >>"$tmp/argv.log"
case "\$*" in
*"uname -m"*) echo x86_64; echo /tmp/vpbench.stub; exit 0 ;;
esac
exit 0
STUB
cat >"$tmp/bin/scp" <<STUB
#!/bin/sh
{ echo "--- scp"; for a in "\$@"; do echo "\$a"; done; } >>"$tmp/argv.log"
echo "stub scp: not copying" >&2
exit 1
STUB
chmod +x "$tmp/bin/ssh" "$tmp/bin/scp"

for spec in 'ssh:[::1]:2222|::1|[::1]' 'ssh:bob@[fe80::1%eth0]:22|bob@fe80::1%eth0|bob@[fe80::1%eth0]'; do
	IFS='|' read -r t want_ssh want_scp <<<"$spec"
	rm -f "$tmp/argv.log"
	PATH="$tmp/bin:$PATH" timeout 120 "$VPBENCH" run -t "$t" -w cpu.int -j 1 -r 1 \
		-d 0.05 --counters none --no-report -o "$tmp/run.$RANDOM" >/dev/null 2>"$tmp/run.err"
	rc=$?
	check "$t accepted at plan time, fails at the stub scp (exit $rc)" test "$rc" -eq 1
	check "$t: ssh gets '$want_ssh'" grep -qxF -- "$want_ssh" "$tmp/argv.log"
	check "$t: ssh never gets brackets" \
		bash -c "! sed -n '/^--- ssh/,/^--- scp/p' '$tmp/argv.log' | grep -qF -- '$want_scp'"
	check "$t: scp gets '$want_scp:/tmp/vpbench.stub/'" \
		grep -qxF -- "$want_scp:/tmp/vpbench.stub/" "$tmp/argv.log"
done
finish
