# Helpers shared by the integration scripts (sourced, not a test itself).
VPBENCH=${VPBENCH:-$(dirname "$0")/../../build/vpbench}
VP_SOURCE_DIR=${VP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); checks=$((checks + 1)); }
pass() { checks=$((checks + 1)); }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then pass; else fail "$what"; fi
}
finish() {
	echo "$((checks - fails)) passed, $fails failed"
	[[ $fails -eq 0 ]]
}
skip() { echo "SKIP: $*"; exit 77; }
# csvq FILE EXPR: python3 query over results.csv rows (list of dicts `rows`),
# prints the expression's value.
csvq() {
	python3 - "$1" "$2" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
print(eval(sys.argv[2]))
PY
}
