#!/usr/bin/env bash
# Time of `vpbench history check` over a synthetic history of RUNS runs x
# SERIES series (default 200 x 1,000; target: within 2 s here), next to
# the time of `vpbench history export` of the same database (reading every
# series point, no statistics) measured interleaved in the same run, so the
# share of the change-point search is visible whatever the machine's load.
# Both wall time and CPU time (user + system, of the process) are printed;
# the verdict is on CPU time, because on a machine shared with other work
# (a load of 15 on 2 CPUs here) the wall time measures the queue, not the
# check; on an idle machine the two agree.
#
# The history: RUNS run folders built from one real host run of this build
# (its env.csv and plan.conf, run id, start time and build rewritten), each
# with SERIES cells (SERIES/4 workloads synth.wNNN x threads 1, 2 x metrics
# ops_per_s, lat_p99_us; 3 reps, 2 % noise), imported with `vpbench
# history import`. One series in 100 gets a 10 % worse step at a random
# run, one in 100 a worse step 5 runs before the newest: the check must
# find change points and the run must exit 1 (a regression at the newest
# runs), so the timing covers the refinement of would-be regressions too.
#
# Usage: ci/bench-history-check.sh [BUILD_DIR]
# Environment: VPBENCH (binary), RUNS (200), SERIES (1000), ROUNDS (3),
#   MAX_SECONDS (2), KEEP_WORKDIR (1: keep the runs and the database).
# Exit: 0 PASS, 1 FAIL, 2 usage/tool error.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
VPBENCH=${VPBENCH:-$build/vpbench}
RUNS=${RUNS:-200}
SERIES=${SERIES:-1000}
ROUNDS=${ROUNDS:-3}
MAX_SECONDS=${MAX_SECONDS:-2}

. "$(dirname "$0")/bench-lib.bash"
bench_init bench-history-check
((RUNS >= 20 && SERIES >= 4)) || die "RUNS must be >= 20 and SERIES >= 4"
bench_workdir "${TMPDIR:-/tmp}" histcheck

"$VPBENCH" run -t host -w cpu.int -j 1 -r 1 -d 0.05 -q --no-report \
	-o "$work/src" >"$work/src.log" 2>&1 ||
	{ cat "$work/src.log" >&2; die "the template run failed"; }
python3 - "$work/src" "$work/runs" "$RUNS" "$SERIES" <<'PY'
import csv, os, random, sys
src, dst, nruns, nseries = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(16)
head = next(csv.reader(open(os.path.join(src, "results.csv"), newline="")))
proto = next(r for r in csv.reader(open(os.path.join(src, "results.csv"), newline=""))
             if r[head.index("metric")] == "ops_per_s")
env = list(csv.reader(open(os.path.join(src, "env.csv"), newline="")))
plan = open(os.path.join(src, "plan.conf")).read()
nw = nseries // 4
cells = [(f"synth.w{w:03d}", t, m, u, lvl)
         for w in range(nw) for t in (1, 2)
         for (m, u, lvl) in (("ops_per_s", "ops/s", 1e6 * (1 + w % 7)),
                             ("lat_p99_us", "us", 50.0 * (1 + w % 5)))]
# worse steps: ops/s down, latency up
step = {}
for i, c in enumerate(cells):
    worse = 0.9 if c[2] == "ops_per_s" else 1.1
    if i % 100 == 7:
        step[i] = (rng.randrange(nruns // 10, nruns - nruns // 10), worse)
    elif i % 100 == 42:
        step[i] = (nruns - 5, worse)
col = {k: head.index(k) for k in ("run_id", "workload", "threads", "rep", "metric", "value", "unit")}
for k in range(nruns):
    d = os.path.join(dst, f"run{k:03d}")
    os.makedirs(d)
    rid = f"20260101T{k // 60:02d}{k % 60:02d}00Z-bench"
    day = f"2026-01-{1 + k // 24:02d}T{k % 24:02d}:00:00Z"
    with open(os.path.join(d, "env.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in env:
            r = list(r)
            if r[1] in ("start_utc", "end_utc"):
                r[2] = day
            elif r[1] == "build_git":
                r[2] = f"bench-{k:03d}"
            w.writerow(r)
    open(os.path.join(d, "plan.conf"), "w").write(plan)
    with open(os.path.join(d, "results.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for i, (wl, t, m, u, lvl) in enumerate(cells):
            s = step.get(i)
            f_ = s[1] if s and k >= s[0] else 1.0
            for rep in (1, 2, 3):
                r = list(proto)
                r[col["run_id"]], r[col["workload"]] = rid, wl
                r[col["threads"]], r[col["rep"]] = str(t), str(rep)
                r[col["metric"]], r[col["unit"]] = m, u
                r[col["value"]] = "%.6g" % (lvl * f_ * rng.gauss(1, 0.02))
                w.writerow(r)
PY
# in batches: one process per run would dominate the set-up time
ls -d "$work"/runs/run* | xargs -n 50 "$VPBENCH" history import --db "$work/h.db" \
	>"$work/import.log" 2>&1 || { tail -5 "$work/import.log" >&2; die "history import failed"; }

command -v /usr/bin/time >/dev/null || [[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install time)"
# Each prints "WALL CPU" seconds.
check() {
	local rc=0
	/usr/bin/time -o "$work/t" -f "%e %U %S" "$VPBENCH" history check --db "$work/h.db" \
		>"$work/check.out" 2>"$work/check.err" || rc=$?
	((rc == 1)) || { cat "$work/check.err" >&2; die "history check exited $rc, expected 1 (regressions at the newest runs)"; }
	tail -1 "$work/t" | awk '{print $1, $2 + $3}'
}
export_() {
	/usr/bin/time -o "$work/t" -f "%e %U %S" "$VPBENCH" history export --db "$work/h.db" --format csv \
		>"$work/export.csv" 2>"$work/export.err" ||
		{ cat "$work/export.err" >&2; die "history export failed"; }
	tail -1 "$work/t" | awk '{print $1, $2 + $3}'
}
cs=() es=()
for ((i = 0; i < ROUNDS; i++)); do
	if ((i % 2)); then es+=("$(export_)"); cs+=("$(check)"); else cs+=("$(check)"); es+=("$(export_)"); fi
done
cs=$(printf '%s,' "${cs[@]}") es=$(printf '%s,' "${es[@]}")
python3 - "$RUNS" "$SERIES" "$MAX_SECONDS" "$cs" "$es" "$work/check.out" <<'PY'
import statistics, sys
runs, series, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
c = [tuple(map(float, x.split())) for x in sys.argv[4].strip(",").split(",")]
e = [tuple(map(float, x.split())) for x in sys.argv[5].strip(",").split(",")]
summary = open(sys.argv[6]).readline().strip()
cw, cc = statistics.median(x[0] for x in c), statistics.median(x[1] for x in c)
ew, ec = statistics.median(x[0] for x in e), statistics.median(x[1] for x in e)
print(f"history check over {runs} runs x {series} series: {cw:.2f} s wall, "
      f"{cc:.2f} s CPU (medians of {len(c)})")
print(f"history export of the same database (reference, interleaved): "
      f"{ew:.2f} s wall, {ec:.2f} s CPU; check / export CPU = {cc / ec:.2f}")
print(f"check said: {summary}")
ok = cc <= limit
print(f"{'PASS' if ok else 'FAIL'}: check {cc:.2f} s CPU {'<=' if ok else '>'} {limit:g} s")
sys.exit(0 if ok else 1)
PY
