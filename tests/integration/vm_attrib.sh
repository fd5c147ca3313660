#!/usr/bin/env bash
# Host-side attribution through a real guest: a vm2 run returns, for every
# step, vcpu_delay_pct, vcpu_run_pct and vcpu_preemptions with status ok
# and the guest's own target fields; kvm.* rows are unavailable with a
# reason under TCG (ok with exits counted under KVM); the env says how the
# sampling ran; VPBENCH_NO_VCPU_STATS=1 turns the rows into unavailable
# ones that say so.
set -euo pipefail
source "$(dirname "$0")/vm_common.bash"
vm_require
command -v python3 >/dev/null || skip "python3 is needed to read results.csv"

out=$(mktemp -d /tmp/vpbench-vm-attrib.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$SECONDS
"$VPBENCH" run -t vm2 -w lock.ticket -j 1,2 -r 1 -d 0.3 -o "$out/on" \
	--no-report -q
VPBENCH_NO_VCPU_STATS=1 "$VPBENCH" run -t vm2 -w lock.ticket -j 1 -r 1 \
	-d 0.3 -o "$out/off" --no-report -q
echo "2 guest runs in $((SECONDS - start)) s"

python3 - "$out/on" "$out/off" <<'PY'
import csv, sys

def rows(d):
    return list(csv.DictReader(open(d + "/results.csv", newline="")))

def env(d):
    return {(r["target"], r["key"]): r["value"]
            for r in csv.DictReader(open(d + "/env.csv", newline=""))}

bad = []
on, off = rows(sys.argv[1]), rows(sys.argv[2])
accel = env(sys.argv[1]).get(("vm2", "accel"))
stats = env(sys.argv[1]).get(("vm2", "vcpu_stats"), "")
if not stats.startswith("schedstat and status of 2 vCPU threads"):
    bad.append("env vcpu_stats: %r" % stats)
for j in ("1", "2"):
    step = [r for r in on if r["threads"] == j]
    guest = next((r for r in step if r["metric"] == "ops_per_s"), None)
    if not guest or guest["status"] != "ok":
        bad.append("threads=%s: no ok ops_per_s from the guest" % j)
        continue
    for m in ("vcpu_delay_pct", "vcpu_run_pct", "vcpu_preemptions"):
        r = [x for x in step if x["metric"] == m]
        if len(r) != 1:
            bad.append("threads=%s: %d %s rows" % (j, len(r), m))
            continue
        r = r[0]
        if r["status"] != "ok":
            bad.append("threads=%s: %s %s: %s" % (j, m, r["status"], r["note"]))
            continue
        v = float(r["value"])
        if m.endswith("_pct") and not 0 <= v <= 100:
            bad.append("threads=%s: %s = %g outside 0..100" % (j, m, v))
        if m == "vcpu_run_pct" and v <= 0:
            bad.append("threads=%s: vCPU threads never ran (%g)" % (j, v))
        for col in ("target_kind", "accel", "hypervisor", "vcpus", "host_cpus", "rep"):
            if r[col] != guest[col]:
                bad.append("threads=%s: %s %s=%r, guest rows %r" % (j, m, col, r[col], guest[col]))
    kvm = [x for x in step if x["metric"].startswith("kvm.")]
    if not kvm:
        bad.append("threads=%s: no kvm.* row" % j)
    elif accel == "tcg":
        for x in kvm:
            if x["status"] != "unavailable" or "TCG" not in x["note"] or x["value"]:
                bad.append("threads=%s: under TCG %s is %s %r (%s)" % (j, x["metric"], x["status"], x["value"], x["note"]))
    else:
        ex = [x for x in kvm if x["metric"] == "kvm.exits"]
        if not ex or ex[0]["status"] != "ok" or float(ex[0]["value"]) <= 0:
            bad.append("threads=%s: under KVM no ok kvm.exits: %s" % (j, ex))
failed = [r for r in on + off if r["status"] == "failed"]
if failed:
    bad.append("failed rows: %s" % ["%s %s: %s" % (r["metric"], r["threads"], r["note"]) for r in failed[:5]])
for m in ("vcpu_delay_pct", "vcpu_run_pct", "vcpu_preemptions", "kvm.stats"):
    r = [x for x in off if x["metric"] == m]
    if len(r) != 1 or r[0]["status"] != "unavailable" or "VPBENCH_NO_VCPU_STATS=1" not in r[0]["note"]:
        bad.append("switched off: %s rows %s" % (m, [(x["status"], x["note"]) for x in r]))
if env(sys.argv[2]).get(("vm2", "vcpu_stats")) != "off (VPBENCH_NO_VCPU_STATS=1)":
    bad.append("switched off: env vcpu_stats %r" % env(sys.argv[2]).get(("vm2", "vcpu_stats")))
for b in bad:
    print("FAIL:", b)
d = [r for r in on if r["metric"] == "vcpu_delay_pct"]
print("vcpu_delay_pct:", ", ".join("%s thr %s%%" % (r["threads"], r["value"]) for r in d))
sys.exit(1 if bad else 0)
PY
echo "PASS: vm attribution"
