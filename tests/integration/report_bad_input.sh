#!/bin/bash
# Bad input and bad usage of `vpbench report` / `compare` exit 2 with a
# message naming the file, the line and what was expected; a truncated last
# row (interrupted run) is a warning and the rest is used.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
hdr='schema,run_id,target,target_kind,accel,hypervisor,vcpus,host_cpus,workload,threads,rep,metric,value,unit,status,note'
row='1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,100,ops/s,ok,'

mkrun() { # name results-content
	mkdir -p "$tmp/$1"
	printf '%b' "$2" >"$tmp/$1/results.csv"
	printf 'target,key,value\nhost,kernel,6.1\n' >"$tmp/$1/env.csv"
}

expect() { # want-rc pattern... -- command...
	local want=$1
	shift
	local pats=()
	while [ "$1" != "--" ]; do pats+=("$1"); shift; done
	shift
	"$@" >"$tmp/out" 2>&1
	local rc=$?
	[ $rc -eq "$want" ] || { cat "$tmp/out"; fail "$* exited $rc, want $want"; }
	for p in "${pats[@]}"; do
		grep -q -- "$p" "$tmp/out" || { cat "$tmp/out"; fail "$*: no '$p'"; }
	done
}

mkrun wronghdr "schema,run_id,targ\n$row\n"
mkrun schema "$hdr\n9${row#1}\n"
mkrun short "$hdr\n$row\n1,r,host,host,none\n$row\n"
mkrun nonnum "$hdr\n$row\n${row/,100,/,fast,}\n"
mkrun headeronly "$hdr\n"
mkrun quoting "$hdr\n$row\n1,r,\"ho\"st,host,none,KVM,2,2,cpu.int,1,2,ops_per_s,1,ops/s,ok,\n"
mkdir -p "$tmp/empty"
mkrun truncated "$hdr\n$row\n${row/,1,1,/,1,2,}\n1,r,host,host,none,KVM,2,2,cpu.i"

R="$VPBENCH report"
expect 2 "nonexistent" -- $R "$tmp/nonexistent"
expect 2 "empty/results.csv" "missing file" -- $R "$tmp/empty"
expect 2 "wronghdr/results.csv line 1" "wrong header" "expected 'target'" -- $R "$tmp/wronghdr"
expect 2 "schema/results.csv line 2" "schema version '9'" "expected 1 or 2" -- $R "$tmp/schema"
expect 2 "short/results.csv line 3" "short row: 5 fields, expected 16" -- $R "$tmp/short"
expect 2 "nonnum/results.csv line 3" "value 'fast' is not a number" -- $R "$tmp/nonnum"
expect 2 "headeronly/results.csv" "no result rows" -- $R "$tmp/headeronly"
expect 2 "quoting/results.csv line 3" "malformed CSV quoting" -- $R "$tmp/quoting"
expect 0 "warning: .*truncated/results.csv line 4: truncated last row" -- $R "$tmp/truncated"
[ -s "$tmp/truncated/report.html" ] || fail "truncated run: no report"
grep -q 'truncated last row' "$tmp/truncated/report.html" ||
	fail "the report does not show the truncation warning"

# Issue 11 defect 1: a bucket bound that is not a finite number made
# `vpbench report` loop forever (svg.c, up to log2(bound)). Reproduced as
# reported: basic with one spin_wait_bucket_le_64 renamed _le_inf. Now the
# reader refuses it (exit 2, file and line), within seconds.
mkdir -p "$tmp/inf"
cp "$VP_SOURCE_DIR/tests/data/runs/basic/env.csv" "$tmp/inf/"
awk '!done && /spin_wait_bucket_le_64,/ { sub(/spin_wait_bucket_le_64,/, "spin_wait_bucket_le_inf,"); done = 1 } 1' \
	"$VP_SOURCE_DIR/tests/data/runs/basic/results.csv" >"$tmp/inf/results.csv"
grep -q 'spin_wait_bucket_le_inf,' "$tmp/inf/results.csv" || fail "inf fixture not made"
expect 2 "inf/results.csv line [0-9]*: .*bucket bound 'inf'" -- timeout 20 $R "$tmp/inf"
expect 2 "inf/results.csv line [0-9]*: .*bucket bound 'inf'" -- timeout 20 \
	$VPBENCH compare "$tmp/inf" "$VP_SOURCE_DIR/tests/data/runs/basic"

# A sibling of issue 11 defect 7: messages never send raw control bytes
# (terminal escapes from a CSV field or an argument) to the terminal.
mkrun esc "$hdr\n${row/,100,/,1\\033[31mred,}\n"
expect 2 "esc/results.csv line 2: value '1?\[31mred' is not a number" -- $R "$tmp/esc"
if grep -q $'\033' "$tmp/out"; then fail "an escape byte reached the terminal"; fi
mkrun esc2 "$hdr\n${row/,host,host,/,h\\033]0;x\\007,host,}\n${row/,host,host,/,h\\033]0;x\\007,host,}\n"
"$VPBENCH" compare "$tmp/esc2" "$tmp/esc2" >"$tmp/out" 2>&1
if grep -q $'[\033\007]' "$tmp/out"; then fail "compare printed control bytes"; fi
expect 2 "unknown option '--x?'" -- $R $'--x\033' "$tmp/esc"

# Usage errors name the problem and the valid choices.
expect 2 "no run folder given" -- $R
expect 2 "unknown option '--colour'" "valid options: --output --summary --json --baseline --label --history --help" -- $R --colour "$tmp/truncated"
expect 2 "option -o needs a value" -- $R "$tmp/truncated" -o
expect 2 "baseline target 'vm7' is in none of the runs (targets: host)" -- $R "$tmp/truncated" --baseline vm7
expect 0 "usage: vpbench report" -- $R --help
expect 2 "--label 'oops': expected RUN=TEXT" -- $R "$tmp/truncated" --label oops
expect 2 "--label nope=...: no run folder of that name" -- $R "$tmp/truncated" --label nope=x
# Not a file a run wrote: a device, a FIFO (no writer: the open itself
# must not block), a line of 2 MiB with no newline. Each is refused at
# once (timeout: a hang fails the test) with exit 2.
mkdir "$tmp/dev" "$tmp/fifo" "$tmp/envdev" "$tmp/long"
ln -s /dev/zero "$tmp/dev/results.csv"
mkfifo "$tmp/fifo/results.csv"
cp "$tmp/truncated/results.csv" "$tmp/envdev/"
ln -s /dev/zero "$tmp/envdev/env.csv"
head -c 2097152 /dev/zero | tr '\0' a >"$tmp/long/results.csv"
for d in dev fifo envdev; do
	expect 2 "not a regular file (a [a-zA-Z]*)" -- timeout 20 $R "$tmp/$d" -o "$tmp/x.html"
done
mkdir -p "$tmp/dirres/results.csv"
expect 2 "dirres/results.csv: not a regular file (a folder)" -- timeout 20 $R "$tmp/dirres" -o "$tmp/x.html"
expect 2 "not a regular file" -- timeout 20 $VPBENCH compare "$tmp/truncated" "$tmp/fifo"
expect 2 "long/results.csv line 1: longer than 1048576 bytes" -- timeout 20 $R "$tmp/long" -o "$tmp/x.html"
C="$VPBENCH compare"
expect 2 "expected two run folders" -- $C "$tmp/truncated"
expect 2 "--threshold 'abc'" "expected a percentage" -- $C --threshold abc "$tmp/truncated" "$tmp/truncated"
expect 2 "--alpha '2'" -- $C --alpha 2 "$tmp/truncated" "$tmp/truncated"
expect 2 "short/results.csv line 3" -- $C "$tmp/truncated" "$tmp/short"
expect 0 "usage: vpbench compare" -- $C --help
echo "PASS: bad input and usage exit 2 with file, line and expectation"
