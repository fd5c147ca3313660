#!/usr/bin/env bash
# io.* through the real CLI on the host: the default `io` set yields its
# throughput, bandwidth, latency and histogram rows; scratch files are
# removed afterwards; the safety rules hold end to end (a foreign file is
# refused and left intact, a memory filesystem is refused with the options
# that help, a bad bs names the rule); keep=1 leaves a reusable file.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-io-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
common=(-t host -r 1 -d 0.2 --counters none)

"$VPBENCH" run "${common[@]}" -w io -j 1,2 -O size=8M -o "$tmp/run" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
check "io run exits 0 (rc=$rc: $(tail -3 "$tmp/err"))" test "$rc" -eq 0
res=$tmp/run/results.csv
check "results.csv exists" test -s "$res"
if python3 - "$res" <<'PY'; then pass; else fail "io row checks (see above)"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
bad = []
wls = sorted({r["workload"] for r in rows if r["workload"].startswith("io.")})
if wls != ["io.fsync", "io.randread", "io.randwrite"]:
    bad.append("default io set is %s" % wls)
def one(w, t, m, may_be_thin=False):
    g = [r for r in rows if r["workload"] == w and r["threads"] == t and r["metric"] == m]
    if len(g) == 1 and may_be_thin and g[0]["status"] == "unavailable" \
            and "samples" in g[0]["note"]:
        return float("nan")  # too few samples for this percentile: said so
    if len(g) != 1 or g[0]["status"] != "ok":
        bad.append("%s t=%s %s: %s" % (w, t, m, g))
        return None
    return float(g[0]["value"])
for w in wls:
    for t in ("1", "2"):
        iops = one(w, t, "iops")
        ops = one(w, t, "ops")
        mib = one(w, t, "mib_per_s")
        lat = [one(w, t, m, m != "lat_max_us")
               for m in ("lat_p50_us", "lat_p99_us", "lat_p999_us", "lat_max_us")]
        if None in lat or iops is None or mib is None or ops is None:
            continue
        if iops <= 0: bad.append("%s t=%s iops %g" % (w, t, iops))
        if abs(mib - iops * 4096 / 1048576) > 1e-6 * max(mib, 1):
            bad.append("%s t=%s mib_per_s %g vs iops %g" % (w, t, mib, iops))
        known = [x for x in lat if x == x]
        if not known or known != sorted(known):
            bad.append("%s t=%s percentiles not ordered %s" % (w, t, lat))
        buckets = [r for r in rows if r["workload"] == w and r["threads"] == t
                   and r["metric"].startswith("lat_bucket_le_")]
        if not buckets: bad.append("%s t=%s: no lat_bucket_le_ rows" % (w, t))
        for b in buckets:
            if b["unit"] != "count" or b["status"] != "ok" or float(b["value"]) <= 0:
                bad.append("bucket row %s" % b)
            # Log-linear (ns): above 2 x sub-buckets a bucket is
            # 2^(msb - log2 sub) wide and ends just below a multiple of it.
            ub = int(b["metric"][len("lat_bucket_le_"):])
            sub = int(one(w, t, "lat_hist_sub_buckets") or 64)
            width = 1 if ub < 2 * sub else 1 << (ub.bit_length() - sub.bit_length())
            if (ub + 1) % width:
                bad.append("bucket bound %s is no log-linear bound" % b["metric"])
        n = one(w, t, "lat_samples")
        if n is not None and sum(float(b["value"]) for b in buckets) != n:
            bad.append("%s t=%s: buckets do not add up to lat_samples" % (w, t))
        if abs(sum(float(b["value"]) for b in buckets) - ops) > 0.5:
            bad.append("%s t=%s: buckets do not sum to ops" % (w, t))
for b in bad[:30]: print("BAD:", b)
sys.exit(1 if bad else 0)
PY
left=$(find "$tmp/run" -name 'vpbench-io.*' | head -3)
check "scratch files removed from the run folder ($left)" test -z "$left"

# A file vpbench did not create is refused and stays byte-identical.
printf 'precious user data\n' >"$tmp/precious"
sum_before=$(sha256sum <"$tmp/precious")
"$VPBENCH" run "${common[@]}" -w io.randwrite -j 1 -O path="$tmp/precious" \
	-O size=1M -o "$tmp/refuse" >/dev/null 2>&1
rc=$?
check "foreign file: run reports failure (rc=$rc)" test "$rc" -eq 1
check "foreign file: unchanged" test "$(sha256sum <"$tmp/precious")" = "$sum_before"
note=$(csvq "$tmp/refuse/results.csv" \
	'[r["note"] for r in rows if r["workload"]=="io.randwrite" and r["status"]=="failed"][:1]')
check "foreign file: failed row says why ($note)" grep -q "not a vpbench scratch file" <<<"$note"

# Block sizes must be multiples of 512: refused before the run (exit 2,
# no run folder), not as failed rows.
note=$("$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O bs=1000 -O size=1M \
	-o "$tmp/bs" 2>&1 >/dev/null)
rc=$?
check "bs=1000 refused with exit 2 (got $rc)" test "$rc" -eq 2
check "bs=1000 refused ($note)" grep -q "multiple of 512" <<<"$note"
check "bs=1000: no run folder" test ! -e "$tmp/bs"

# A memory filesystem with O_DIRECT is refused, naming the options that help.
if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then
	shm=/dev/shm/vp-io-smoke.$$
	"$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O path="$shm" \
		-O size=1M -o "$tmp/shm" >/dev/null 2>&1
	note=$(csvq "$tmp/shm/results.csv" '[r["note"] for r in rows if r["status"]=="failed"][:1]')
	check "tmpfs refused with the hint ($note)" grep -q -- "-O direct=0" <<<"$note"
	check "tmpfs: no file left behind" test ! -e "$shm"
	rm -f "$shm"
else
	echo "note: /dev/shm is not a tmpfs here; tmpfs refusal checked by unit tests only"
fi

# keep=1 leaves a signed file that a later run reuses and does not remove.
"$VPBENCH" run "${common[@]}" -w io.randread -j 1 -O path="$tmp/kept" \
	-O size=1M -O keep=1 -o "$tmp/keep1" >/dev/null 2>&1
check "keep=1 keeps the file" test -f "$tmp/kept"
check "kept file is signed" grep -q "VPBENCH-SCRATCH" <(head -c 64 "$tmp/kept")
"$VPBENCH" run "${common[@]}" -w io.randwrite -j 2 -O path="$tmp/kept" \
	-O size=1M -o "$tmp/keep2" >/dev/null 2>&1
rc=$?
check "kept file reused (rc=$rc)" test "$rc" -eq 0
check "reused file stays and keeps its signature" grep -q "VPBENCH-SCRATCH" <(head -c 64 "$tmp/kept")
finish
