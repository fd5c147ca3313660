#!/bin/bash
# Siblings of issue 11 defect 1 (an input that makes the report run away):
# lookups that were linear scans inside loops made a report quadratic in
# the input. An env.csv of 50000 keys took over 2 minutes (environment
# table and env lookups), 20000 workloads about 50 s (per-workload scans
# of every cell), 30000 distinct metrics 12 s; now each is a few seconds.
# The limit (60 s for all three) is far above the new times and far below
# the old ones, so a slow machine does not make this fail by itself.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
python3 - "$VP_SOURCE_DIR/tests/data/runs/basic" "$tmp" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(os.path.join(src, "results.csv"), newline="")))
env = list(csv.reader(open(os.path.join(src, "env.csv"), newline="")))
def write(name, r, e):
    os.makedirs(os.path.join(out, name))
    for fname, data in (("results.csv", r), ("env.csv", e)):
        with open(os.path.join(out, name, fname), "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(data)
write("env", rows, env + [["host", "key%d" % i, "v"] for i in range(50000)])
wl = [rows[0]]
for i in range(20000):
    for r in rows[1:4]:
        x = list(r); x[8] = "cpu.w%d" % i; wl.append(x)
write("workloads", wl, env)
write("metrics", rows + [r[:11] + ["cnt.m%d" % i] + r[12:]
                         for i, r in enumerate([rows[1]] * 30000)], env)
PY
start=$(date +%s)
for k in env workloads metrics; do
	timeout 60 "$VPBENCH" report "$tmp/$k" -o "$tmp/$k/r.html" \
		>/dev/null 2>"$tmp/$k.err"
	rc=$?
	[ $rc -eq 0 ] || { cat "$tmp/$k.err"; fail "$k: exit $rc (124: over 60 s)"; }
done
echo "PASS: three large inputs reported in $(($(date +%s) - start)) s"
