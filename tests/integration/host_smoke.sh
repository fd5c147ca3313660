#!/usr/bin/env bash
# Smoke test of every workload through the real CLI on the host target:
# each workload x threads x rep has its throughput row (sched.wake at 1
# thread: unavailable, it runs pairs), lock rows carry the spin metrics, io
# rows the latency metrics, the kernel workloads their call/wake/access
# figures, every step runq_delay_pct, software counters are ok and
# hardware counters are ok or unavailable with a reason (never empty).
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d /var/tmp/vp-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$VPBENCH" run -t host -w all -j 1,2 -r 2 -d 0.2 -O size=16M -o "$tmp/run" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "run exits 0 (rc=$rc: $(tail -3 "$tmp/err"))" test "$rc" -eq 0
res="$tmp/run/results.csv"
check "results.csv exists" test -s "$res"
check "env.csv exists" test -s "$tmp/run/env.csv"
check "stdout names results.csv" grep -q "results: $res" "$tmp/out"

if python3 - "$res" <<'PY'; then pass; else fail "row checks (see above)"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
bad = []
header = ["schema","run_id","target","target_kind","accel","hypervisor","vcpus","host_cpus",
          "workload","threads","rep","metric","value","unit","status","note"]
if list(rows[0].keys()) != header: bad.append("header %s" % list(rows[0].keys()))
workloads = sorted({r["workload"] for r in rows})
def thin(m, r):
    """A percentile a short step's samples cannot support: unavailable
    with the sample count, never a guess."""
    return "_p" in m and r["status"] == "unavailable" and "samples" in r["note"]
def get(w, t, rep, m):
    return [r for r in rows if r["workload"] == w and r["threads"] == t and r["rep"] == rep and r["metric"] == m]
import os
schedstat = os.path.exists("/proc/thread-self/schedstat")
for w in workloads:
    thr = "iops" if w.startswith("io.") else "ops_per_s"
    for t in ("1", "2"):
        for rep in ("1", "2"):
            got = get(w, t, rep, thr)
            if w == "sched.wake" and t == "1":
                # pairs only: one thread is unavailable with the reason
                if len(got) != 1 or got[0]["status"] != "unavailable" or "even" not in got[0]["note"]:
                    bad.append(f"{w} t=1 rep={rep}: want unavailable (odd): {got}")
                continue
            if len(got) != 1 or got[0]["status"] != "ok" or float(got[0]["value"]) <= 0:
                bad.append(f"{w} t={t} rep={rep}: {thr} {got}")
            for m in ["cnt.task_clock", "cnt.context_switches"]:
                g = get(w, t, rep, m)
                if len(g) != 1 or g[0]["status"] != "ok":
                    bad.append(f"{w} {t} {rep} {m}: {g}")
            if w.startswith("lock.") and w != "lock.kernel":
                for m in ["spin_fraction", "long_waits", "spin_wait_p99_ns"]:
                    g = get(w, t, rep, m)
                    if len(g) != 1:
                        bad.append(f"{w} {t} {rep} missing {m}")
            extra = {"lock.kernel": ["call_p50_ns", "call_p99_ns", "call_max_ns", "long_calls"],
                     "mem.shootdown": ["call_p50_ns", "call_p99_ns", "long_calls"],
                     "sched.wake": ["wake_p50_ns", "wake_p99_ns", "wake_max_ns", "wakeups"],
                     "mem.tlb": ["ns_per_access", "huge_pages_pct"]}.get(w, [])
            if schedstat:
                extra = extra + ["runq_delay_pct"]
            for m in extra:
                g = get(w, t, rep, m)
                if len(g) != 1 or not (g[0]["status"] == "ok" or thin(m, g[0])):
                    bad.append(f"{w} {t} {rep} {m}: {g}")
            if w.startswith("io."):
                for m in ["lat_p50_us", "lat_p99_us", "mib_per_s"]:
                    g = get(w, t, rep, m)
                    if len(g) != 1 or not (g[0]["status"] == "ok" or thin(m, g[0])):
                        bad.append(f"{w} {t} {rep} {m}: {g}")
for r in rows:
    if r["status"] == "ok" and r["value"] == "":
        bad.append("ok row without value: %s" % r)
    if r["status"] != "ok" and (r["value"] != "" or r["note"] == ""):
        bad.append("non-ok row must have empty value and a note: %s" % r)
    if r["status"] == "failed":
        bad.append("failed row: %s" % r)
cyc = [r for r in rows if r["metric"] == "cnt.cycles"]
if not cyc: bad.append("no cnt.cycles rows (auto counters)")
if len(workloads) < 17: bad.append("only %d workloads: %s" % (len(workloads), workloads))
for b in bad[:30]: print("BAD:", b)
sys.exit(1 if bad else 0)
PY
finish
