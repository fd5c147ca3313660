#!/bin/bash
# The HTML report renders in headless Chromium: the screenshot is not blank
# and the page makes no network request (checked statically on the HTML and
# in Chromium's net log; a control page with an http image proves the
# net-log check can fail). Skips (77) when Chromium is not installed.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
here=$VP_SOURCE_DIR/tests/integration
runs=$VP_SOURCE_DIR/tests/data/runs
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

render() { # name url
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$tmp/profile-$1" --log-net-log="$tmp/$1.json" \
		--screenshot="$tmp/$1.png" --window-size=1200,2000 "$2" \
		>"$tmp/$1.log" 2>&1
	[ -s "$tmp/$1.png" ] || { cat "$tmp/$1.log"; fail "no screenshot of $2"; }
	[ -s "$tmp/$1.json" ] || fail "no net log for $2"
}

"$VPBENCH" report "$runs/basic" "$runs/shifted" -o "$tmp/report.html" ||
	fail "vpbench report exited $?"
[ -s "$tmp/report.html" ] || fail "no report.html"
[ -s "$tmp/summary.csv" ] || fail "no summary.csv next to the report"
grep -q 'basic/vm2' "$tmp/report.html" || fail "merged labels missing"
python3 "$here/report_checks.py" static "$tmp/report.html" ||
	fail "the HTML references something external"

# Control: the net-log check must see a page request.
printf '<!DOCTYPE html><p>control</p><img src="http://127.0.0.1:9/x.png">\n' \
	>"$tmp/control.html"
render control "file://$tmp/control.html"
if python3 "$here/report_checks.py" netlog "$tmp/control.json" >/dev/null; then
	fail "net-log check missed the control page's http request"
fi

render report "file://$tmp/report.html"
python3 "$here/report_checks.py" netlog "$tmp/report.json" ||
	fail "the report made network requests"
read -r ncolors top < <(python3 "$here/png_tool.py" colors "$tmp/report.png")
echo "screenshot: $ncolors colours, most common covers $top"
[ "$ncolors" -ge 50 ] || fail "screenshot nearly blank ($ncolors colours)"
python3 -c "import sys; sys.exit(0 if float('$top') < 0.95 else 1)" ||
	fail "screenshot is one colour for $top of the page"
# The degenerate fixture: hatched excluded cells, caveat tags, ▲/▼ and log
# axes render too (VP_RENDER_KEEP=DIR keeps the screenshots for a look).
"$VPBENCH" report "$runs/degenerate" -o "$tmp/degenerate.html" >/dev/null ||
	fail "vpbench report degenerate exited $?"
python3 "$here/report_checks.py" static "$tmp/degenerate.html" || fail "external refs"
render degenerate "file://$tmp/degenerate.html"
python3 "$here/report_checks.py" netlog "$tmp/degenerate.json" ||
	fail "the degenerate report made network requests"
read -r ncolors2 top2 < <(python3 "$here/png_tool.py" colors "$tmp/degenerate.png")
[ "$ncolors2" -ge 50 ] || fail "degenerate screenshot nearly blank ($ncolors2 colours)"
if [ -n "${VP_RENDER_KEEP:-}" ]; then
	mkdir -p "$VP_RENDER_KEEP"
	cp "$tmp/report.png" "$tmp/degenerate.png" "$VP_RENDER_KEEP/"
fi
echo "PASS: reports render offline, $ncolors and $ncolors2 colours, no network request"
