#!/usr/bin/env bash
# Issue 20, defect 1 on real filesystems (needs root for the mounts; skips
# otherwise): a run folder on a read-only bind mount and one on a full
# 64 KiB tmpfs. `report` exits 2 naming the path and the errno (it crashed
# with 139 before and left a 0-byte summary.csv on the full disk); nothing
# half-written and no temporary file is left; the old outputs survive.
set -u
. "$(dirname "$0")/lib.bash"
[[ $(id -u) -eq 0 ]] || skip "needs root for mount --bind and tmpfs"
tmp=$(mktemp -d /var/tmp/vp-int.XXXXXX)
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
basic="$VP_SOURCE_DIR/tests/data/runs/basic"
R="timeout 60 $VPBENCH report"

# Read-only bind mount of a run folder that holds an older report.
mkdir "$tmp/ro"
cp "$basic"/*.csv "$tmp/ro/"
echo "old summary" >"$tmp/ro/summary.csv"
mount --bind "$tmp/ro" "$tmp/ro" || skip "mount --bind refused (no CAP_SYS_ADMIN here)"
mounts+=("$tmp/ro")
mount -o remount,ro,bind "$tmp/ro" || skip "read-only remount refused"
$R "$tmp/ro" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
check "read-only run folder: exit 2 (got $rc)" test "$rc" -eq 2
check "read-only: path and errno named" grep -q "cannot write $tmp/ro/summary.csv: cannot create a file in $tmp/ro: Read-only file system" "$tmp/out"
check "read-only: old summary kept" grep -q "old summary" "$tmp/ro/summary.csv"

# A full filesystem: the run's CSV files fit in 64 KiB, the report does not.
mkdir "$tmp/full"
mount -t tmpfs -o size=64k tmpfs "$tmp/full" || skip "tmpfs mount refused"
mounts+=("$tmp/full")
head -n 300 "$basic/results.csv" >"$tmp/full/results.csv"
cp "$basic/env.csv" "$tmp/full/"
echo "old summary" >"$tmp/full/summary.csv"
dd if=/dev/zero of="$tmp/full/filler" bs=1k count=40 status=none 2>/dev/null
$R "$tmp/full" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
check "full disk: exit 2 (got $rc)" test "$rc" -eq 2
check "full disk: ENOSPC named with the path" grep -q "cannot write $tmp/full/[a-z.]*: No space left on device" "$tmp/out"
check "full disk: old summary kept whole" grep -q "old summary" "$tmp/full/summary.csv"
check "full disk: no report.html" test ! -e "$tmp/full/report.html"
check "full disk: no temporary file left" test -z "$(ls -A "$tmp/full" | grep '^\.vpbench-out')"
finish
