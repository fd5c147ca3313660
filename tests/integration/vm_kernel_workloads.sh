#!/usr/bin/env bash
# The kernel workloads inside a real 2-vCPU guest (TCG here, KVM where
# usable): lock.kernel, sched.wake, mem.tlb on 2 MiB pages (guest init turns
# THP from the kernel's small-memory `never` to `madvise`) and
# mem.shootdown give their metrics and runq_delay_pct with status ok;
# sched.wake at 1 thread is unavailable (pairs only), never failed.
set -euo pipefail
source "$(dirname "$0")/vm_common.bash"
vm_require

out=$(mktemp -d /tmp/vpbench-vm-kernel.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$SECONDS
"$VPBENCH" run -t vm2 -w lock.kernel,sched.wake,mem.tlb,mem.shootdown \
	-O pages=2m -O size=32M -j 1,2 -r 1 -d 0.2 -o "$out/run" --no-report -q ||
	fail "run exited $?: $(tail -3 "$out/run/console-vm2.log" 2>/dev/null)"
echo "vm2 in $((SECONDS - start)) s"

python3 - "$out/run/results.csv" <<'PY' || fail "row checks (see above)"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline='')) if r["target"] == "vm2"]
bad = []
def get(w, t, m):
    return [r for r in rows if r["workload"] == w and r["threads"] == t and r["metric"] == m]
want = {
    "lock.kernel": ["ops_per_s", "call_p50_ns", "call_p99_ns", "call_max_ns", "long_calls", "runq_delay_pct"],
    "sched.wake": ["ops_per_s", "wake_p50_ns", "wake_p99_ns", "wake_max_ns", "wakeups", "runq_delay_pct"],
    "mem.tlb": ["ops_per_s", "ns_per_access", "huge_pages_pct", "runq_delay_pct"],
    "mem.shootdown": ["ops_per_s", "call_p50_ns", "call_p99_ns", "long_calls", "runq_delay_pct"],
}
for w, metrics in want.items():
    for t in ("1", "2"):
        if w == "sched.wake" and t == "1":
            g = get(w, t, "ops_per_s")
            if len(g) != 1 or g[0]["status"] != "unavailable" or "even" not in g[0]["note"]:
                bad.append(f"sched.wake t=1: want unavailable (pairs): {g}")
            continue
        for m in metrics:
            g = get(w, t, m)
            # A percentile a short step cannot support is unavailable
            # with the sample count (p50 needs 20, p99 1000).
            thin = len(g) == 1 and "_p" in m and g[0]["status"] == "unavailable" \
                and "samples" in g[0]["note"]
            if len(g) != 1 or not (g[0]["status"] == "ok" or thin):
                bad.append(f"{w} t={t} {m}: {g}")
        # Bucket rows came through the channel (B records) and add up.
        fam = {"lock.kernel": "call", "mem.shootdown": "call",
               "sched.wake": "wake"}.get(w)
        n = get(w, t, f"{fam}_samples") if fam else []
        if fam and (len(n) != 1 or n[0]["status"] != "ok"):
            bad.append(f"{w} t={t} {fam}_samples: {n}")
        elif fam:
            total = sum(float(r["value"]) for r in rows if r["workload"] == w
                        and r["threads"] == t
                        and r["metric"].startswith(f"{fam}_bucket_le_"))
            if total != float(n[0]["value"]):
                bad.append(f"{w} t={t}: buckets {total} != samples {n[0]['value']}")
for r in get("mem.tlb", "1", "huge_pages_pct") + get("mem.tlb", "2", "huge_pages_pct"):
    if r["status"] == "ok" and float(r["value"]) <= 0:
        bad.append(f"mem.tlb pages=2m in the guest got no huge page: {r}")
g = get("mem.shootdown", "2", "touch_rounds_per_s")
if len(g) != 1 or g[0]["status"] != "ok":
    bad.append(f"mem.shootdown t=2 touch_rounds_per_s: {g}")
bad += [f"failed row: {r}" for r in rows if r["status"] == "failed"]
for b in bad[:20]:
    print("BAD:", b)
sys.exit(1 if bad else 0)
PY
echo "PASS: kernel workloads in vm2"
