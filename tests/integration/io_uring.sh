#!/usr/bin/env bash
# io.* with -O engine=io_uring -O qd=8 through the real CLI, on the host
# and in a 2-vCPU guest twice: with the default disk and with the disk
# conditions aio=io_uring,iothread=on,queues=2. No row failed and every
# I/O figure is ok where this host has io_uring, the rows say the engine and
# depth they ran at, the buckets hold the measured I/Os, and env.csv
# records each guest's disk settings. Plan-time refusals: qd > 1 with
# psync, aio=native with cache=writeback, an unknown aio; a disk condition
# with the run folder on tmpfs fails that target with the reason. Without io_uring
# on this host, the host rows must be unavailable with the reason.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-io-uring.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
common=(-r 1 -d 0.3 --counters none --no-report -q)
opts=(-O engine=io_uring -O qd=8 -O size=16M)

targets=host
vm=1
command -v "${VPBENCH_QEMU:-qemu-system-x86_64}" >/dev/null || vm=0
compgen -G "${VPBENCH_CACHE:-$HOME/.cache/vpbench}/kernel/boot/vmlinuz-*" \
	>/dev/null || [[ -r /boot/vmlinuz-$(uname -r) ]] || vm=0
[[ $vm == 1 ]] && targets="host,vm2,vm2:aio=io_uring,iothread=on,queues=2" ||
	echo "note: no QEMU or guest kernel, host only"

uring=$("$VPBENCH" list 2>/dev/null | grep -m1 -o 'engine=io_uring [a-z]*')

"$VPBENCH" run -t "$targets" -w io.randread,io.randwrite,io.fsync -j 1,2 \
	"${common[@]}" "${opts[@]}" -o "$tmp/run" >"$tmp/out" 2>"$tmp/err"
rc=$?
res=$tmp/run/results.csv

if [[ $uring != "engine=io_uring available" ]]; then
	# This host denies io_uring: rows unavailable with the reason, the
	# run itself fine (unavailable is not failure).
	note=$(csvq "$res" '[r["note"] for r in rows if r["target"]=="host" and r["status"]=="unavailable"][:1]')
	check "no io_uring here: host rows unavailable with a reason ($note)" \
		grep -q "io_uring" <<<"$note"
	finish
	exit
fi

check "run exits 0 (rc=$rc: $(tail -3 "$tmp/err"))" test "$rc" -eq 0
if python3 - "$res" "$vm" <<'PY'; then pass; else fail "row checks (see above)"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
# The condition target under its canonical name.
targets = ["host"] + (["vm2", "vm2:iothread=on,aio=io_uring,queues=2"]
                      if sys.argv[2] == "1" else [])
bad = []
# Failed: none at all. Unavailable: only figures the I/O does not give
# (kvm.stats under TCG) and tail percentiles short of samples, never the
# I/O's own counts, p50 or max.
io = ("iops", "ops", "mib_per_s", "lat_p50_us", "lat_max_us", "lat_samples")
notok = [r for r in rows if r["status"] == "failed" or
         (r["status"] != "ok" and r["metric"] in io)]
for r in notok[:10]:
    bad.append("not ok: %s %s t=%s %s: %s %s" % (r["target"], r["workload"], r["threads"],
                                                   r["metric"], r["status"], r["note"]))
seen = sorted({r["target"] for r in rows})
if seen != sorted(targets):
    bad.append("targets %s, want %s" % (seen, sorted(targets)))
for tg in targets:
    for w in ("io.randread", "io.randwrite", "io.fsync"):
        for t in ("1", "2"):
            g = {r["metric"]: r for r in rows
                 if r["target"] == tg and r["workload"] == w and r["threads"] == t}
            if "iops" not in g or float(g["iops"]["value"] or 0) <= 0:
                bad.append("%s %s t=%s: no iops" % (tg, w, t))
                continue
            if "engine=io_uring qd=8 " not in g["mib_per_s"]["note"]:
                bad.append("%s %s t=%s: note %r" % (tg, w, t, g["mib_per_s"]["note"]))
            b = sum(float(r["value"]) for m, r in g.items() if m.startswith("lat_bucket_le_"))
            if abs(b - float(g["ops"]["value"])) > 0.5:
                bad.append("%s %s t=%s: buckets %g != ops %s" % (tg, w, t, b, g["ops"]["value"]))
for b in bad[:30]:
    print("BAD:", b)
sys.exit(1 if bad else 0)
PY

if [[ $vm == 1 ]]; then
	env=$tmp/run/env.csv
	check "vm2 default disk recorded (cache=none aio=native)" \
		grep -q '^vm2,guest_disk,virtio-blk .* cache=none aio=native iothread=off queues=auto' "$env"
	check "vm2 conditions recorded: aio" \
		grep -q '^"vm2:iothread=on,aio=io_uring,queues=2",guest_disk_aio,io_uring$' "$env"
	check "vm2 conditions recorded: iothread" \
		grep -q '^"vm2:iothread=on,aio=io_uring,queues=2",guest_disk_iothread,on$' "$env"
	check "vm2 conditions recorded: queues" \
		grep -q '^"vm2:iothread=on,aio=io_uring,queues=2",guest_disk_queues,2$' "$env"
	check "vm2 conditions reach QEMU's argv" \
		grep -q 'virtio-blk-pci,drive=scratch,iothread=iothread0,num-queues=2' "$env"
	check "vm2 conditions reach the guest's driver (2 blk-mq queues)" \
		grep -q '^"vm2:iothread=on,aio=io_uring,queues=2",io_scratch_blk,hw_queues=2 ' "$env"
fi

# tmpfs scratch rule: a run folder in RAM makes no image, so a disk
# condition cannot be honoured; the target's rows fail saying why (no boot).
if [[ $vm == 1 && $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then
	shm=$(mktemp -d /dev/shm/vp-io-uring.XXXXXX)
	"$VPBENCH" run -t vm2:aio=native -w io.randread -j 1 "${common[@]}" \
		-o "$shm/run" >/dev/null 2>&1
	note=$(csvq "$shm/run/results.csv" '[r["note"] for r in rows if r["status"]=="failed"][:1]')
	rm -rf "$shm"
	check "tmpfs run folder: aio=native refused with the reason ($note)" \
		grep -q "aio=native set the scratch disk.*memory file system" <<<"$note"
fi

# Refused before anything runs: exit 2, no run folder.
refused() { # refused WHAT WANT ARGS...
	local what=$1 want=$2 out rc
	shift 2
	out=$("$VPBENCH" run "$@" -o "$tmp/refused" 2>&1 >/dev/null)
	rc=$?
	check "$what: exit 2 (got $rc)" test "$rc" -eq 2
	check "$what: says '$want' ($out)" grep -q -- "$want" <<<"$out"
	check "$what: no run folder" test ! -e "$tmp/refused"
}
refused "qd=8 with psync" "qd=8 needs engine=io_uring" \
	-t host -w io.randread -O qd=8
refused "aio=native,cache=writeback" "do not go together" \
	-t vm2:aio=native,cache=writeback -w io.randread
refused "aio=libaio" "use threads, native or io_uring" \
	-t vm2:aio=libaio -w io.randread
finish
