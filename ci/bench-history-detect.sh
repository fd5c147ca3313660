#!/usr/bin/env bash
# What `vpbench history check` finds on a series of real runs of one build:
# the change points on the untouched series (per 100 series: on identical
# code each is a false alarm of the permutation test, about alpha = 5 % of
# the series by design, before the correction and the threshold), then on
# copies with the throughput of one workload cut by 3 %, 5 % and 10 % from
# run FROM on (its ops*/iops*/mib_per_s rows scaled by 1 - shift): at which
# run the change is found, whether it is a regression at the newest runs
# (the CI verdict), and which other series were flagged.
#
# Usage: ci/bench-history-detect.sh [RUNS_DIR] [BUILD_DIR]
#   RUNS_DIR holds run folders (results.csv, env.csv, plan.conf), taken in
#   the order of their start time; without it, RUNS runs are made here with
#   `vpbench run -t host -w cpu.int,lock.ttas,lock.mutex,io.randread -j 1,2
#   -r 3 -d 0.3` (about 10 s each).
# Environment: VPBENCH, RUNS (20), WORKLOAD (cpu.int), FROM (15),
#   SHIFTS ("3 5 10"), METRICS (e.g. ops_per_s,iops: check only these;
#   default every metric), KEEP_WORKDIR.
# Exit: 0 done (it reports, it does not judge), 2 usage/tool error.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-}
build=${2:-$here/build}
VPBENCH=${VPBENCH:-$build/vpbench}
RUNS=${RUNS:-20}
WORKLOAD=${WORKLOAD:-cpu.int}
FROM=${FROM:-15}
SHIFTS=${SHIFTS:-3 5 10}
METRICS=${METRICS:-}

. "$(dirname "$0")/bench-lib.bash"
bench_init bench-history-detect
bench_workdir "${TMPDIR:-/tmp}" histdetect

if [[ -z $src ]]; then
	src=$work/runs
	mkdir "$src"
	for ((i = 1; i <= RUNS; i++)); do
		"$VPBENCH" run -t host -w cpu.int,lock.ttas,lock.mutex,io.randread \
			-j 1,2 -r 3 -d 0.3 -q --no-report -o "$src/run$(printf %02d "$i")" \
			>"$work/run$i.log" 2>&1 || { cat "$work/run$i.log" >&2; die "run $i failed"; }
	done
fi
[[ -d $src ]] || die "$src is not a folder of run folders"

python3 - "$src" "$work" "$WORKLOAD" "$FROM" "$SHIFTS" <<'PY'
import csv, os, shutil, sys
src, work, wl, frm, shifts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split()
def start(d):
    for r in csv.reader(open(os.path.join(d, "env.csv"), newline="")):
        if len(r) > 2 and r[1] == "start_utc":
            return r[2]
    return ""
runs = sorted((os.path.join(src, d) for d in os.listdir(src)
               if os.path.isfile(os.path.join(src, d, "results.csv"))), key=start)
if len(runs) < 2 * 5:
    sys.exit(f"only {len(runs)} run folders in {src}")
open(os.path.join(work, "order"), "w").write("\n".join(
    next(csv.DictReader(open(os.path.join(d, "results.csv"), newline="")))["run_id"] for d in runs) + "\n")
cut = ("ops", "iops", "mib_per_s")
for s in ["0"] + shifts:
    for k, d in enumerate(runs):
        out = os.path.join(work, f"shift{s}", f"run{k + 1:02d}")
        os.makedirs(out)
        for f in ("env.csv", "plan.conf"):
            shutil.copy(os.path.join(d, f), out)
        rows = list(csv.reader(open(os.path.join(d, "results.csv"), newline="")))
        h = rows[0]
        iw, im, iv, st = h.index("workload"), h.index("metric"), h.index("value"), h.index("status")
        for r in rows[1:]:
            if (s != "0" and k + 1 >= frm and r[iw] == wl and r[st] == "ok"
                    and r[im].startswith(cut) and "bucket" not in r[im]):
                r[iv] = repr(float(r[iv]) * (1 - float(s) / 100))
        with open(os.path.join(out, "results.csv"), "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
print(f"{len(runs)} runs from {src}; {wl} throughput cut from run {frm} on")
PY

for d in "$work"/shift*; do
	s=${d##*/shift}
	"$VPBENCH" history import --db "$d.db" "$d"/run* >"$d.import.log" 2>&1 ||
		{ cat "$d.import.log" >&2; die "history import of $d failed"; }
	rc=0
	"$VPBENCH" history check --db "$d.db" ${METRICS:+--metric "$METRICS"} >"$d.check" 2>"$d.check.err" || rc=$?
	((rc <= 1)) || { cat "$d.check.err" >&2; die "history check failed ($rc)"; }
	echo "$rc" >"$d.rc"
done

python3 - "$work" "$WORKLOAD" "$FROM" "$SHIFTS" <<'PY'
import os, re, sys
work, wl, frm, shifts = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
order = open(os.path.join(work, "order")).read().split()
def parse(s):
    lines = open(os.path.join(work, f"shift{s}.check")).read().splitlines()
    m = re.search(r"(\d+) of (\d+) series tested, (\d+) change point", lines[0])
    cps = []
    for a, b in zip(lines[1:], lines[2:]):
        run = re.match(r"\s+from run (\S+) ", b)
        if run and not a.startswith(" "):
            verdict, key = a.split(None, 1)
            cps.append((verdict, key, order.index(run.group(1)) + 1, "newest" in b))
    rc = open(os.path.join(work, f"shift{s}.rc")).read().strip()
    return int(m.group(1)), cps, rc
n0, base, rc0 = parse("0")
print(f"untouched: {len(base)} change points in {n0} series = "
      f"{100 * len(base) / n0:.1f} per 100 series; exit {rc0}; "
      f"{sum(v == 'REGRESSION' for v, *_ in base)} regressions")
for v, k, r, nw in base:
    print(f"    {v:<11} {k} at run {r}{' (newest)' if nw else ''}")
basekeys = {(k, r) for _, k, r, _ in base}
for s in shifts:
    n, cps, rc = parse(s)
    hit = [c for c in cps if f"|{wl}|" in c[1] and re.search(r"\|(ops|iops|mib_per_s)", c[1])]
    other = [c for c in cps if c not in hit and (c[1], c[2]) not in basekeys]
    print(f"{s}% cut of {wl} from run {frm}: exit {rc}; "
          f"{len(hit)} change points in its throughput series, "
          f"{len(other)} new elsewhere ({len(cps)} in all)")
    for v, k, r, nw in hit:
        print(f"    {v:<11} {k} at run {r}{' (newest)' if nw else ''}")
    for v, k, r, nw in other:
        print(f"    other: {v:<11} {k} at run {r}{' (newest)' if nw else ''}")
PY
