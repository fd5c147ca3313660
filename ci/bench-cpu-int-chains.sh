#!/usr/bin/env bash
# Why cpu.int's op is one dependency chain, measured on this machine:
# ci/cpu-int-chains.c alternates three kernels in short windows within one
# process (the old four-chain op, today's one-chain op, a sysbench-like
# prime search) and this script reports, per kernel, the CV of its rate
# over 1-second groups of windows. On a cloud VM a hyperthread sibling
# (another tenant) shares the core's execution ports: the four-chain op,
# bound by their throughput, swings with the sibling's load; a
# latency-bound chain barely does. Measured on the development VM (2
# vCPUs, 40 ms windows, 500 rounds): four chains 7.8% and 8.3%, one chain
# 2.1% and 3.1%, primes 3.2% and 3.4%.
#
# Usage: ci/bench-cpu-int-chains.sh   Environment: WINDOW (0.04 s), ROUNDS
# (500). Needs cc and python3. Exit: 0 when one chain is at least as
# steady as four, 1 otherwise, 2 tool error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
WINDOW=${WINDOW:-0.04}
ROUNDS=${ROUNDS:-500}
command -v cc >/dev/null || { echo "bench-cpu-int-chains: cc not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-cpu-int-chains: python3 not found" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vpbench-chains.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/chains" "$here/cpu-int-chains.c" -lm
echo "alternating $ROUNDS rounds of ${WINDOW}s windows (four chains | one chain | primes)"
"$work/chains" "$WINDOW" "$ROUNDS" >"$work/rates"
python3 - "$work/rates" "$WINDOW" <<'PY'
import statistics as st, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
group = max(1, round(1.0 / float(sys.argv[2])))  # windows making 1 s of one kernel
cv = []
for k, name in enumerate(("four chains (old cpu.int)", "one chain (cpu.int)", "primes (sysbench-like)")):
    v = [r[k] for r in rows]
    g = [st.mean(v[i:i + group]) for i in range(0, len(v) - group + 1, group)]
    c = st.stdev(g) / st.mean(g) * 100 if len(g) > 1 else float("nan")
    cv.append(c)
    print("%-27s median %.4g ops/s, CV over %d groups of %d windows: %.2f%%"
          % (name, st.median(v), len(g), group, c))
ok = cv[1] <= cv[0]
print("one chain %s steady as four: %s" % ("at least as" if ok else "less", "PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
