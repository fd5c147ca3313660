#!/bin/bash
# vpbench report --json: the document loads with Python's json.load (NaN
# and Infinity refused: JSON has neither), every summary.csv row is in it
# with the same figures, the headline of the degenerate fixture says what
# was left out and why, the environments and the plan are there, and
# pandas.json_normalize flattens the summary when pandas is installed (not
# required). Skips (77) when vpbench was built without json-c.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
runs=$VP_SOURCE_DIR/tests/data/runs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$VPBENCH" report "$runs/degenerate" "$runs/basic" -o "$tmp/r.html" \
	--json "$tmp/r.json" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'built without json-c' "$tmp/out"; then
	echo "SKIP: $(cat "$tmp/out")"
	exit 77
fi
[ $rc -eq 0 ] || { cat "$tmp/out"; fail "report --json exited $rc"; }
grep -q "^json: $tmp/r.json" "$tmp/out" || fail "the JSON path is not printed"
# A plan.conf for the provenance (a real run writes one).
mkdir "$tmp/run"
cp "$runs/basic/results.csv" "$runs/basic/env.csv" "$tmp/run/"
printf '# vpbench plan\ntargets = host,vm1,vm2\nreps = 3\n' >"$tmp/run/plan.conf"
"$VPBENCH" report "$tmp/run" --json "$tmp/p.json" >/dev/null || fail "plan run"
python3 - "$tmp/r.json" "$tmp/summary.csv" "$tmp/p.json" <<'PY' || fail "JSON checks"
import csv, json, math, sys

def strict(c):
    raise ValueError("non-JSON constant " + c)

doc = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=strict)
def need(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
need(doc["format"] == "vpbench-report" and doc["format_version"] == 1, "format")
need([r["label"] for r in doc["runs"]] == ["degenerate", "basic"], "runs")
labels = [t["label"] for t in doc["targets"]]
need("benchbox/vm4" in labels and "basic/vm1" in labels, "labels from env.csv: %s" % labels)
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
# summary.csv's pooled_* rows are the "latency_percentiles" objects.
pooled = [r for r in rows if r["metric"].startswith("pooled_")]
rows = [r for r in rows if not r["metric"].startswith("pooled_")]
need(len(pooled) == 6 * len(doc["latency_percentiles"]),
     "pooled rows %d vs %d ladders" % (len(pooled), len(doc["latency_percentiles"])))
need(len(rows) == len(doc["summary"]), "summary rows %d vs %d" % (len(rows), len(doc["summary"])))
key = lambda r: (r["target"], r["workload"], str(r["threads"]), r["metric"])
cells = {key(c): c for c in doc["summary"]}
for r in rows:
    c = cells[key(r)]
    for col in ("n", "mean", "cv", "ratio", "ratio_ci95_lo", "scaling_eff", "status", "note"):
        want = r[col]
        got = c[col]
        if want == "":
            need(got is None, "%s %s: %r should be null" % (key(r), col, got))
        elif isinstance(got, str):
            need(got == want, "%s %s: %r vs %r" % (key(r), col, got, want))
        else:
            need(math.isclose(float(want), got, rel_tol=1e-8), "%s %s: %r vs %r" % (key(r), col, got, want))
h = doc["headline"]
need(h["cells_excluded"] == 6 and h["limits"]["baseline_max_cv"] == 0.2, "headline counts and limits")
vm4 = [m for m in h["classes"] if m["target"] == "benchbox/vm4" and m["class"] == "lock"][0]
need(vm4["ratio"] is None and vm4["workloads_excluded"] == 3, "vm4 lock mean withheld")
kinds = {f["kind"] for f in doc["findings"]}
need({"tcg", "vcpu_overcommit", "excluded_from_class_mean", "noisy"} <= kinds, "finding kinds %s" % kinds)
env = doc["targets"][labels.index("basic/host")]["environment"]
need(env["cpu_model"].startswith("Intel(R) Xeon(R)"), "environment")
plan = json.load(open(sys.argv[3]), parse_constant=strict)["runs"][0]["plan"]
need(plan == {"targets": "host,vm1,vm2", "reps": "3"}, "plan.conf: %s" % plan)
try:
    import pandas
except ImportError:
    print("pandas not installed: json_normalize not tried (json.load is the contract)")
else:
    flat = pandas.json_normalize(doc["summary"])
    need(len(flat) == len(rows), "pandas.json_normalize")
    pandas.json_normalize(doc["targets"])
    print("pandas.json_normalize: %d summary rows" % len(flat))
print("json: %d summary cells, %d headline cells, %d findings" %
      (len(doc["summary"]), len(h["cells"]), len(doc["findings"])))
PY
echo "PASS: report --json loads, matches summary.csv, carries verdicts and provenance"
