#!/usr/bin/env python3
"""Writes the hand-made fixture run folders used by the report tests.

Values are chosen by hand, not measured: each cell has three reps at
base * (1 + 0, +1%, -1%), so the mean is exactly `base` and the sample
standard deviation exactly 1% of it; tests compute expected statistics from
these numbers. Re-run after editing: python3 make_fixtures.py
  basic/    host (itself a KVM guest) + vm1 + vm2 (TCG), cpu/lock/io
  shifted/  basic with known changes: vm2 lock.tas ops_per_s -20% (regressed),
            vm2 io.randread lat_p99_us +30% (regressed), host cpu.int
            threads=1 ops_per_s +10% (improved), vm2 kernel differs
  xss/      a target label and notes holding HTML/script text
  degenerate/ a 2-CPU host with vm2 and vm4 (TCG) where the baseline is
            degenerate in each of the three ways the headline excludes:
            host lock.ticket at 4 threads is overcommitted and collapses
            (vm4's ratio ~40 with a CI over three decades), host lock.mcs
            at 2 threads has a CV of ~30%, vm2 lock.tas at 2 threads is so
            noisy that its ratio CI spans more than a factor of 4
"""
import csv, os

COLS = ["schema", "run_id", "target", "target_kind", "accel", "hypervisor",
        "vcpus", "host_cpus", "workload", "threads", "rep", "metric", "value",
        "unit", "status", "note"]
JITTER = [0.0, 0.01, -0.01]
TARGETS = [  # name, kind, accel, hypervisor, vcpus, speed factor
    ("host", "host", "none", "KVM", 2, 1.0),
    ("vm1", "vm", "tcg", "TCG", 1, 0.3),
    ("vm2", "vm", "tcg", "TCG", 2, 0.3),
]
# throughput per workload and thread count on the host; VMs scale below
SCALE = {  # (target, threads) -> multiplier of the 1-thread figure
    "cpu.int": {"host": {1: 1.0, 2: 1.9}, "vm1": {1: 1.0, 2: 1.0},
                "vm2": {1: 1.0, 2: 1.7}},
    "lock.tas": {"host": {1: 1.0, 2: 0.6}, "vm1": {1: 1.0, 2: 0.9},
                 "vm2": {1: 1.0, 2: 0.2}},
    "lock.ticket": {"host": {1: 1.0, 2: 0.5}, "vm1": {1: 1.0, 2: 0.9},
                    "vm2": {1: 1.0, 2: 0.1}},
    "io.randread": {"host": {1: 1.0, 2: 1.72}, "vm1": {1: 1.0, 2: 1.0},
                    "vm2": {1: 1.0, 2: 1.5}},
}
BASE = {"cpu.int": 1.0e6, "lock.tas": 5.0e6, "lock.ticket": 4.0e6,
        "io.randread": 14500.0}
NOPMU = "no hardware PMU: perf_event_open ENOENT"


def rows_for(run_id, tname, kind, accel, hv, vcpus, speed, shift, labels):
    label = labels.get(tname, tname)
    out = []

    def row(wl, th, rep, metric, value, unit, status="ok", note=""):
        out.append(["1", run_id, label, kind, accel, hv, str(vcpus), "2", wl,
                    str(th), str(rep), metric,
                    ("%.9g" % value) if status == "ok" else "", unit, status,
                    note])

    for wl in ["cpu.int", "lock.tas", "lock.ticket", "io.randread"]:
        for th in (1, 2):
            for rep in (1, 2, 3):
                j = 1.0 + JITTER[rep - 1]
                if wl == "cpu.int" and tname == "vm2" and th == 2:
                    j = 1.0 + [0.0, 0.10, -0.10][rep - 1]  # a noisy cell
                if wl == "io.randread" and tname == "vm1" and th == 2 \
                        and rep == 3:
                    row(wl, th, rep, "iops", 0, "ops/s", "failed",
                        "guest I/O timed out after 30 s")
                    continue
                tp = BASE[wl] * speed * SCALE[wl][tname][th] * j
                tp *= shift.get((tname, wl, th, "tp"), 1.0)
                if wl.startswith("io."):
                    row(wl, th, rep, "iops", tp, "ops/s")
                    row(wl, th, rep, "mib_per_s", tp * 4 / 1024, "MiB/s")
                    p50 = 60 / speed * j
                    p99 = 200 / speed * j * shift.get((tname, wl, th, "p99"), 1)
                    row(wl, th, rep, "lat_p50_us", p50, "us")
                    row(wl, th, rep, "lat_p99_us", p99, "us")
                    b = 16
                    while b <= 4 * p99:
                        c = int(1000 * th * (1 if b < p50 * 2 else 0.05))
                        if b >= p50 / 4:
                            row(wl, th, rep, "lat_bucket_le_%d" % b, c, "count")
                        b *= 2
                else:
                    row(wl, th, rep, "ops_per_s", tp, "ops/s")
                row(wl, th, rep, "wall_s", 0.3 * j, "s")
                if wl.startswith("lock."):
                    lhp = 1.0 if tname == "host" else (50.0 if tname == "vm2" else 1.0)
                    p50, p99, mx = 120 * j, 2000 * lhp * j, 60000 * lhp * j
                    if th == 1:
                        for m in ("spin_wait_p50_ns", "spin_wait_p99_ns",
                                  "spin_wait_max_ns"):
                            row(wl, th, rep, m, 0, "ns", "unavailable",
                                "no contended acquisition with 1 thread")
                    else:
                        row(wl, th, rep, "spin_wait_p50_ns", p50, "ns")
                        row(wl, th, rep, "spin_wait_p99_ns", p99, "ns")
                        row(wl, th, rep, "spin_wait_max_ns", mx, "ns")
                        row(wl, th, rep, "spin_fraction",
                            (0.6 if tname == "vm2" else 0.1) * j, "ratio")
                        row(wl, th, rep, "long_waits",
                            round((40 if tname == "vm2" else 0) * j), "count")
                        b, n = 64, 50000
                        while b <= mx * 2:
                            if b >= 64:
                                row(wl, th, rep, "spin_wait_bucket_le_%d" % b,
                                    max(1, int(n)), "count")
                            b *= 2
                            n = n / (2.5 if b > p99 else 1.6)
                row(wl, th, rep, "steal_pct", 0.0, "%")
                row(wl, th, rep, "ctx_switches", 40 * th * j, "count")
                row(wl, th, rep, "cnt.cycles", 0, "count", "unavailable", NOPMU)
                row(wl, th, rep, "cnt.task-clock", 0.3e9 * th * j, "ns")
    return out


def env_for(tname, hv, accel, vcpus, kernel, labels):
    label = labels.get(tname, tname)
    e = [("hypervisor", hv), ("accel", accel),
         ("cpu_model", "Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz"),
         ("cpus_online", str(vcpus)), ("kernel", kernel),
         ("clocksource", "tsc" if tname == "host" else "hpet"),
         ("topology", "1 package, %d cores, %d PUs" % (vcpus, vcpus)),
         ("thread_pinning", "none"), ("host_load", "0"),
         ("counter.cycles", "unavailable: " + NOPMU),
         ("counter.task-clock", "available via perf_event")]
    if tname != "host":
        e += [("qemu_version", "7.2.11"), ("overcommit", "vcpus %d / host cpus 2" % vcpus)]
    return [(label, k, v) for k, v in e]


def write_run(name, shift=None, kernels=None, labels=None, notes_xss=False):
    shift = shift or {}
    kernels = kernels or {}
    labels = labels or {}
    os.makedirs(name, exist_ok=True)
    rows, env = [], []
    for tname, kind, accel, hv, vcpus, speed in TARGETS:
        rows += rows_for("fixture-" + name, tname, kind, accel, hv, vcpus,
                         speed, shift, labels)
        env += env_for(tname, hv, accel, vcpus,
                       kernels.get(tname, "6.1.0-27-cloud-amd64"), labels)
    if notes_xss:
        for r in rows:
            if r[14] != "ok":
                r[15] = "<img src=x onerror=alert(1)> & \"quoted\""
        env.append((labels.get("host", "host"), "cpu_model",
                    "<b>bold</b> & <script>alert('cpu')</script>"))
    with open(os.path.join(name, "results.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLS)
        w.writerows(rows)
    with open(os.path.join(name, "env.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["target", "key", "value"])
        w.writerows(env)


def write_degenerate(name):
    """Hand-made values reproducing the default run's misleading headline
    (vm4's lock class mean pulled above 1 by a collapsed baseline)."""
    os.makedirs(name, exist_ok=True)
    targets = [  # name, kind, accel, hv, vcpus, speed
        ("host", "host", "none", "bare metal", 2, 1.0),
        ("vm2", "vm", "tcg", "TCG", 2, 0.3),
        ("vm4", "vm", "tcg", "TCG", 4, 0.3)]
    tp = {  # workload -> threads -> host throughput
        "cpu.int": {1: 1.0e6, 2: 1.9e6, 4: 1.9e6},
        "lock.tas": {1: 5.0e6, 2: 3.0e6, 4: 1.0e6},
        "lock.ticket": {1: 4.0e6, 2: 2.0e6, 4: 1.0e6},
        "lock.mcs": {1: 4.0e6, 2: 2.5e6, 4: 1.5e6}}
    jit = {  # (target, workload, threads) -> per-rep multipliers
        ("host", "lock.ticket", 4): [0.00040, 0.00010, 0.00150],
        ("host", "lock.mcs", 2): [1.0, 1.35, 0.65],
        ("vm2", "lock.tas", 2): [1.0, 1.9, 0.1]}
    # vm4's lock.ticket at 4 threads barely suffers (fair FIFO hand-off in
    # a TCG guest); against the collapsed host it reads as ~40x faster.
    fixed = {("vm4", "lock.ticket", 4): 28000.0}
    rows, env = [], []
    for tname, kind, accel, hv, vcpus, speed in targets:
        for wl in tp:
            for th in (1, 2, 4):
                for rep in (1, 2, 3):
                    j = jit.get((tname, wl, th), [1.0, 1.01, 0.99])[rep - 1]
                    v = fixed.get((tname, wl, th))
                    if v is None:
                        v = tp[wl][th] * (speed if tname != "host" else 1)
                    rows.append(["1", "fixture-" + name, tname, kind, accel,
                                 hv, str(vcpus), "2", wl, str(th), str(rep),
                                 "ops_per_s", "%.9g" % (v * j), "ops/s", "ok",
                                 ""])
        env += [(tname, "hypervisor", hv), (tname, "accel", accel),
                (tname, "cpus_online", str(vcpus)),
                (tname, "hostname", "benchbox" if tname == "host"
                 else "vpbench-guest"),
                (tname, "kernel", "6.1.0-27-cloud-amd64")]
        if kind == "vm":
            env.append((tname, "overcommit",
                        "vcpus %d / host cpus 2" % vcpus))
    with open(os.path.join(name, "results.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLS)
        w.writerows(rows)
    with open(os.path.join(name, "env.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["target", "key", "value"])
        w.writerows(env)


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    write_run("basic")
    write_run("shifted",
              shift={("vm2", "lock.tas", 1, "tp"): 0.8,
                     ("vm2", "lock.tas", 2, "tp"): 0.8,
                     ("vm2", "io.randread", 1, "p99"): 1.3,
                     ("vm2", "io.randread", 2, "p99"): 1.3,
                     ("host", "cpu.int", 1, "tp"): 1.1},
              kernels={"vm2": "6.5.0-0.deb12.4-cloud-amd64"})
    write_run("xss", labels={"vm1": "<script>alert(1)</script>"},
              notes_xss=True)
    write_degenerate("degenerate")
