#!/usr/bin/env python3
"""Copies a run folder with one workload's throughput cut by a factor, for
the "a real 20% change is caught, and nothing else" checks of compare:
cut_copy.py SRC DST WORKLOAD FACTOR. Only the ok ops_per_s rows of
WORKLOAD change; env.csv comes along so that nothing else differs."""
import csv, os, shutil, sys

src, dst, workload, factor = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
os.makedirs(dst, exist_ok=True)
shutil.copy(os.path.join(src, "env.csv"), dst)
with open(os.path.join(src, "results.csv"), newline="") as f:
    rows = list(csv.reader(f))
h = rows[0]
col = {name: h.index(name) for name in ("workload", "metric", "status", "value")}
cut = 0
for r in rows[1:]:
    if (r[col["workload"]] == workload and r[col["metric"]] == "ops_per_s"
            and r[col["status"]] == "ok"):
        r[col["value"]] = "%.9g" % (float(r[col["value"]]) * factor)
        cut += 1
if not cut:
    sys.exit("cut_copy: no ok ops_per_s rows of %s in %s" % (workload, src))
with open(os.path.join(dst, "results.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
