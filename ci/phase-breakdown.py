#!/usr/bin/env python3
"""Where the wall time of a vpbench run went, per target, from the run's
phase log (VPBENCH_PHASE_LOG, see runner/util/phase_log.h) and its
results.csv: the measured windows (the ok wall_s rows), the warm-ups, and
every stretch around them. Used by ci/bench-harness-efficiency.sh.

Usage: phase-breakdown.py PHASE_LOG RESULTS_CSV WARMUP_S [WALL_S]
WALL_S, the wall time seen from outside, adds a line for what the process
spent before its first and after its last event."""
import csv
import sys
from collections import OrderedDict, defaultdict

# Columns, in the order printed; each a stretch of the run.
COLS = [
    ("deploy", "target start to deployed (checks, guest initramfs)"),
    ("boot", "deployed to the first agent record (QEMU start, guest boot)"),
    ("agent", "first record to the first step (agent start, env facts)"),
    ("setup", "step announced to its run (workload setup, scratch fill, "
     "thread team, counters)"),
    ("warmup", "the planned warm-ups (inside the step's run)"),
    ("measured", "the measured windows (sum of ok wall_s)"),
    ("in_run", "the rest of the step's run (thread start/join, late "
     "workers, the workload's own set-up and metrics)"),
    ("rows", "step end to the next step (rows over the channel, host-side "
     "sampling, teardown of the team)"),
    ("tail", "last step's end to the agent's end (power-off)"),
    ("teardown", "agent end to target end (QEMU exit, sync)"),
]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    log, results, warmup = sys.argv[1], sys.argv[2], float(sys.argv[3])
    wall = float(sys.argv[4]) if len(sys.argv) > 4 else None
    ev = []
    with open(log) as f:
        for line in f:
            p = line.rstrip("\n").split(",")
            if len(p) >= 3:
                ev.append((float(p[0]), p[1], p[2], p[3] if len(p) > 3 else ""))
    measured = defaultdict(float)
    nmeas = defaultdict(int)
    with open(results, newline="") as f:
        for r in csv.DictReader(f):
            if r["metric"] == "wall_s" and r["status"] == "ok":
                measured[r["target"]] += float(r["value"])
                nmeas[r["target"]] += 1

    tg = OrderedDict()
    run = {}
    for t, who, what, detail in ev:
        if who == "run":
            run.setdefault(what, t)
            continue
        tg.setdefault(who, []).append((t, what, detail))

    out = OrderedDict()
    for name, es in tg.items():
        d = defaultdict(float)
        first = {}
        for t, what, _ in es:
            first.setdefault(what, t)
        last_e = None
        pend_p = pend_b = None
        for t, what, _ in es:
            if what == "p":
                if last_e is not None:
                    d["rows"] += t - last_e
                    last_e = None
                pend_p = t
            elif what == "b":
                if pend_p is not None:
                    d["setup"] += t - pend_p
                    pend_p = None
                pend_b = t
            elif what == "e":
                if pend_b is not None:
                    d["in_run"] += t - pend_b
                    pend_b = None
                last_e = t
        if "prepared" in first:
            d["deploy"] = first["prepared"] - first["begin"]
        p1 = first.get("p")
        start = first.get("first", p1)
        if start is not None and "prepared" in first:
            d["boot"] = start - first["prepared"]
        if p1 is not None and start is not None:
            d["agent"] = p1 - start
        if last_e is not None and "agent_end" in first:
            d["tail"] = first["agent_end"] - last_e
        if "agent_end" in first and "end" in first:
            d["teardown"] = first["end"] - first["agent_end"]
        d["measured"] = measured.get(name, 0.0)
        d["warmup"] = warmup * nmeas.get(name, 0)
        d["in_run"] -= d["measured"] + d["warmup"]
        d["total"] = first.get("end", es[-1][0]) - first["begin"]
        out[name] = d

    cols = [c for c, _ in COLS] + ["total"]
    print("%-10s" % "target" + "".join("%10s" % c for c in cols) + "%8s" % "eff")
    tot = defaultdict(float)
    for name, d in out.items():
        for c in cols:
            tot[c] += d[c]
        eff = d["measured"] / d["total"] if d["total"] else 0
        print("%-10s" % name[:10] + "".join("%10.2f" % d[c] for c in cols)
              + "%8.3f" % eff)
    print("%-10s" % "all" + "".join("%10.2f" % tot[c] for c in cols)
          + "%8.3f" % (tot["measured"] / tot["total"] if tot["total"] else 0))
    # Outside the targets: the run's own stretches.
    ends = [first_t for first_t in
            (es[0][0] for es in tg.values())]
    outside = []
    if "start" in run and "image" in run:
        outside.append(("run start to scratch image", run["image"] - run["start"]))
    if "image" in run and ends:
        outside.append(("image to first target", min(ends) - run["image"]))
    gaps = 0.0
    names = list(out)
    for a, b in zip(names, names[1:]):
        ea = [t for t, w, _ in tg[a] if w == "end"]
        gaps += tg[b][0][0] - (ea[0] if ea else tg[a][-1][0])
    outside.append(("between targets", gaps))
    last_end = max(t for es in tg.values() for t, w, _ in es if w == "end") \
        if any(w == "end" for es in tg.values() for _, w, _ in es) else None
    if last_end is not None and "end" in run:
        outside.append(("last target to run end (report)", run["end"] - last_end))
    if wall is not None and "start" in run and "end" in run:
        outside.append(("process start/exit (outside the log)",
                        wall - (run["end"] - run["start"])))
    for what, s in outside:
        print("  %-40s %8.2f s" % (what, s))
    print("columns:")
    for c, h in COLS:
        print("  %-9s %s" % (c, h))


if __name__ == "__main__":
    main()
