#!/bin/bash
# The headline says what is true (issue 10 section 1), checked in the HTML
# of the degenerate fixture (a 2-CPU host whose baseline cells are
# overcommitted, too noisy or give a ratio CI over a factor of 4): each
# such cell is marked with its reason and left out of its class mean, the
# headline says how many, the caveats (TCG, vCPU overcommit) are in the
# table itself, ratios carry ▲/▼, and the ratio chart is on a log axis.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$VPBENCH" report "$VP_SOURCE_DIR/tests/data/runs/degenerate" \
	-o "$tmp/r.html" >/dev/null || fail "report exited $?"
python3 - "$tmp/r.html" <<'PY' || fail "headline checks"
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
head = re.search(r'<table class="head">.*?</table>', page, re.S).group(0)
rows = re.findall(r"<tr.*?</tr>", head, re.S)
def cells(row):
    return [(cls or "", " ".join(html.unescape(re.sub("<[^>]+>", " ", c)).split()))
            for cls, c in re.findall(r'<t[dh](?: class="([^"]*)")?[^>]*>(.*?)</t[dh]>', row, re.S)]
table = {c[0][1]: c[1:] for c in map(cells, rows)}
def need(cond, what):
    if not cond:
        print("FAIL:", what)
        for k, v in table.items():
            print(k, "|", v)
        sys.exit(1)
hdr = table["workload"]
need("TCG: emulated" in hdr[0][1] and "TCG: emulated" in hdr[1][1], "TCG tags in the header")
need("overcommitted: 4 vCPUs on 2 host CPUs" in hdr[1][1], "vCPU overcommit in the header")
lock = table["lock (all workloads)"]
need(lock[0][1].startswith("0.30") and "geometric mean of 1 of 3" in lock[0][1], "vm2 lock mean of 1 of 3")
need("all 3 cells left out" in lock[1][1] and "1.5" not in lock[1][1], "vm4 lock mean left out")
ticket = table["lock.ticket ops_per_s"]
need(ticket[1][0] == "excl" and ticket[1][1].startswith("42.00 ▲"), "vm4 lock.ticket hatched, 42 ▲")
need("left out of the class mean: baseline overcommitted: 4 threads on 2 CPUs" in ticket[1][1], "reason")
need(ticket[0][0] == "worse" and "0.30 ▼" in ticket[0][1], "vm2 lock.ticket ▼, kept")
need("baseline too noisy: CV 35% > 20%" in table["lock.mcs ops_per_s"][0][1], "noisy baseline")
need("ratio CI too wide" in table["lock.tas ops_per_s"][0][1], "wide CI")
note = " ".join(html.unescape(re.sub("<[^>]+>", " ", re.search(r'<p class="note">.*?</p>', page, re.S).group(0))).split())
need(note.startswith("6 of 8 cells left out of the class means"), "count of left-out cells: " + note)
chart = re.search(r'<h2 id="ratio">.*?</svg>', page, re.S).group(0)
need("log scale" in chart and ">0.01<" in chart and ">1000<" in chart, "ratio chart on a log axis")
need("42 ▲" in chart, "▲ in the ratio chart")
print("headline: 6 of 8 left out; vm4 lock mean withheld; vm2 lock 0.30 of 1 of 3")
PY
echo "PASS: degenerate baselines marked, excluded and counted in the headline"
