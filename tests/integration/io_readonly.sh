#!/usr/bin/env bash
# Read workloads on the user's own data through the real CLI: a file with
# content is read by io.randread and io.seqread and its sha256 is unchanged
# afterwards; the working set is the whole file unless -O size caps it; the
# write workloads still refuse it. As root with losetup, a loop device over
# a file is read by io.randread (size from BLKGETSIZE64) and stays
# byte-identical, and io.randwrite refuses it.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-io-ro.XXXXXX)
loopdev=
cleanup() {
	[[ -n $loopdev ]] && losetup -d "$loopdev"
	rm -rf "$tmp"
}
trap cleanup EXIT
common=(-t host -r 1 -d 0.3 --counters none)
data=$tmp/user-data.bin
head -c $((24 << 20)) /dev/urandom >"$data"
sum0=$(sha256sum <"$data")
mtime0=$(stat -c %Y.%y "$data")

"$VPBENCH" run "${common[@]}" -w io.randread,io.seqread -j 1,2 \
	-O path="$data" -o "$tmp/read" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "read run exits 0 (rc=$rc: $(tail -3 "$tmp/err"))" test "$rc" -eq 0
check "sha256 of the file unchanged by the read run" \
	test "$(sha256sum <"$data")" = "$sum0"
check "mtime unchanged" test "$(stat -c %Y.%y "$data")" = "$mtime0"
check "the file is still there" test -f "$data"
note_ok() { # note_ok RESULTS WORKLOAD NEEDLE...: every mib_per_s note has all
	python3 - "$@" <<'PY'
import csv, sys
res, wl, needles = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = [r for r in csv.DictReader(open(res, newline=''))
        if r["workload"] == wl and r["metric"] == "mib_per_s"]
bad = [r for r in rows if r["status"] != "ok"
       or any(n not in r["note"] for n in needles)]
if not rows or bad:
    print("BAD:", wl, rows if not rows else bad[:2])
    sys.exit(1)
PY
}
for wl in io.randread io.seqread; do
	check "$wl measured the whole file read-only" \
		note_ok "$tmp/read/results.csv" "$wl" "size=24M" "file=$data read-only"
done

"$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O path="$data" \
	-O size=4M -o "$tmp/capped" >/dev/null 2>"$tmp/err"
check "capped run exits 0 ($(tail -2 "$tmp/err"))" test $? -eq 0
check "-O size caps the working set" \
	note_ok "$tmp/capped/results.csv" io.randread "size=4M" "read-only"

for wl in io.randwrite io.seqwrite io.fsync; do
	"$VPBENCH" run "${common[@]}" -w "$wl" -j 1 -O path="$data" \
		-o "$tmp/w-$wl" >/dev/null 2>"$tmp/err"
	rc=$?
	check "$wl on the user's file fails (rc=$rc)" test "$rc" -ne 0
	check "$wl says why" grep -q "not a vpbench scratch file" "$tmp/err"
done
check "sha256 unchanged after the refused writers" \
	test "$(sha256sum <"$data")" = "$sum0"

"$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O path=/dev/null \
	-o "$tmp/null" >/dev/null 2>"$tmp/err"
check "a character device is refused" grep -q "is a character device" "$tmp/err"

small=$tmp/small
printf 'tiny' >"$small"
"$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O path="$small" \
	-o "$tmp/small-run" >/dev/null 2>"$tmp/err"
check "a file below one block is refused" grep -q "less than one block" "$tmp/err"

# ---- a block device: a loop device over a file --------------------------
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP (part): loop device needs root"
elif ! command -v losetup >/dev/null; then
	echo "SKIP (part): losetup not installed (util-linux / mount package)"
elif ! loopdev=$(losetup --find --show "$data" 2>"$tmp/lerr"); then
	echo "SKIP (part): losetup failed: $(cat "$tmp/lerr")"
	loopdev=
else
	dsum0=$(sha256sum <"$loopdev")
	"$VPBENCH" run "${common[@]}" -w io.randread -j 1,2 \
		-O path="$loopdev" -o "$tmp/loop" >/dev/null 2>"$tmp/err"
	rc=$?
	check "io.randread on $loopdev exits 0 (rc=$rc: $(tail -2 "$tmp/err"))" \
		test "$rc" -eq 0
	check "the device's size came from BLKGETSIZE64" \
		note_ok "$tmp/loop/results.csv" io.randread "size=24M" \
		"device=$loopdev read-only" "direct=1"
	check "the device is byte-identical after the run" \
		test "$(sha256sum <"$loopdev")" = "$dsum0"
	"$VPBENCH" run "${common[@]}" -w io.randwrite -j 1 \
		-O path="$loopdev" -o "$tmp/loopw" >/dev/null 2>"$tmp/err"
	check "io.randwrite refuses the device" grep -q "not a regular file" "$tmp/err"
	check "the device is byte-identical after the refused write" \
		test "$(sha256sum <"$loopdev")" = "$dsum0"
	losetup -d "$loopdev" && loopdev=
fi
check "sha256 of the backing file unchanged at the end" \
	test "$(sha256sum <"$data")" = "$sum0"
finish
