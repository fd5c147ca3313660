#!/usr/bin/env bash
# A full disk (issue 11 defect 3): rows on disk are whole or absent, stderr
# counts exactly the rows on disk, the first failed write stops the run
# with the path and the errno text, exit 1. Driven by a file-size limit
# (RLIMIT_FSIZE, always available) and, as root, by a tiny tmpfs (real
# ENOSPC). Output goes through pipes: the limit applies to files only.
set -u
. "$(dirname "$0")/lib.bash"
VPBENCH=$(realpath "$VPBENCH")
tmp=$(mktemp -d)
mnt="$tmp/mnt"
cleanup() {
	mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
	rm -rf "$tmp"
}
trap cleanup EXIT

run=(run -t host -w cpu.int -j 1,2 -r 4 -d 0.05 --warmup 0.01 --counters none)

# whole_rows DIR: every results.csv line is a complete 16-field record.
whole_rows() {
	python3 - "$1/results.csv" <<'PY'
import csv, sys
data = open(sys.argv[1], newline='').read()
assert data.endswith('\n'), 'last row cut short'
rows = list(csv.reader(data.splitlines()))
assert rows[0][0] == 'schema', rows[0]
bad = [r for r in rows if len(r) != 16]
assert not bad, bad[:1]
PY
}
rows_on_disk() { echo $(($(wc -l <"$1/results.csv") - 1)); }

# limited KIB DIR ARGS...: vpbench under a file-size limit, stderr kept.
limited() {
	local kib=$1 dir=$2; shift 2
	# stderr through a pipe: written to a file, it would hit the limit
	( ulimit -f "$kib"; "$VPBENCH" "$@" -o "$dir" 2>&1 >/dev/null ) |
		cat >"$dir.err"
	return "${PIPESTATUS[0]}"
}

# 1. The limit is hit in the middle of the run.
limited 4 "$tmp/mid" "${run[@]}"
rc=$?
err=$(cat "$tmp/mid.err")
check "mid-run limit: exit 1 (got $rc)" test "$rc" -eq 1
check "mid-run limit: path and errno text ($err)" \
	grep -q "writing $tmp/mid/results.csv failed: File too large" "$tmp/mid.err"
check "mid-run limit: rows whole" whole_rows "$tmp/mid"
claimed=$(sed -n 's/^vpbench: \([0-9]*\) rows written.*/\1/p' "$tmp/mid.err")
check "mid-run limit: stderr claims the rows on disk ($claimed vs $(rows_on_disk "$tmp/mid"))" \
	test "$claimed" = "$(rows_on_disk "$tmp/mid")"
check "mid-run limit: measuring stopped" \
	bash -c "! grep -q '^\[8/8\]' '$tmp/mid.err'"
check "mid-run limit: no report from a cut run" test ! -e "$tmp/mid/report.html"

# 2. Full from the start: the first header write fails, nothing runs.
limited 0 "$tmp/start" "${run[@]}"
rc=$?
check "full from the start: exit 1 (got $rc)" test "$rc" -eq 1
check "full from the start: says which file" \
	grep -q "writing $tmp/start/results.csv failed: File too large" "$tmp/start.err"
check "full from the start: nothing measured" bash -c "! grep -q '^\[1/' '$tmp/start.err'"

# 3. env.csv is checked too (its rows outgrow 1 KiB first).
limited 1 "$tmp/env" "${run[@]}"
rc=$?
check "env.csv full: exit 1 (got $rc)" test "$rc" -eq 1
check "env.csv full: says so" \
	grep -q "writing $tmp/env/env.csv failed: File too large" "$tmp/env.err"

# 4. A real full filesystem (root only): ENOSPC.
mkdir -p "$mnt"
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=16k tmpfs "$mnt" 2>/dev/null; then
	"$VPBENCH" "${run[@]}" -o "$mnt/run" >/dev/null 2>"$tmp/tmpfs.err"
	rc=$?
	check "tmpfs full: exit 1 (got $rc)" test "$rc" -eq 1
	check "tmpfs full: ENOSPC named" grep -q "No space left on device" "$tmp/tmpfs.err"
	check "tmpfs full: rows whole" whole_rows "$mnt/run"
	claimed=$(sed -n 's/^vpbench: \([0-9]*\) rows written.*/\1/p' "$tmp/tmpfs.err")
	check "tmpfs full: stderr claims the rows on disk" \
		test "$claimed" = "$(rows_on_disk "$mnt/run")"
	umount "$mnt"
	# Room for the two CSV headers only: plan.conf is refused.
	mount -t tmpfs -o size=8k tmpfs "$mnt"
	"$VPBENCH" "${run[@]}" -o "$mnt/run" >/dev/null 2>"$tmp/plan.err"
	rc=$?
	check "plan.conf on a full disk: exit 1 (got $rc)" test "$rc" -eq 1
	check "plan.conf on a full disk: says so ($(cat "$tmp/plan.err"))" \
		grep -q "plan.conf.*No space left on device" "$tmp/plan.err"
	umount "$mnt"
else
	echo "note: tmpfs part skipped (needs root and mount)"
fi
finish
