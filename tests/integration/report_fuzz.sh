#!/bin/bash
# Seeded fuzzing of report/compare inputs (tests/integration/report_fuzz.py):
# short by default (VP_FUZZ_CASES=25), longer on request, e.g.
#   VP_FUZZ_CASES=2000 VP_FUZZ_SEED=7 ctest -R report_fuzz
# Run it from a -DVP_SANITIZE=ON build to check under ASan+UBSan.
set -u
: "${VPBENCH:?}" "${VP_SOURCE_DIR:?}"
exec python3 "$VP_SOURCE_DIR/tests/integration/report_fuzz.py" "$VPBENCH" \
	"$VP_SOURCE_DIR"
