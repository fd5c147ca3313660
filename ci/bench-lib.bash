# Shared by the ci/bench-*.sh benchmarks (sourced, not run): their usage
# error, the tools every one of them needs, and their work folder.

# bench_init NAME: die MESSAGE exits 2 saying NAME; checks that $VPBENCH is
# a binary and that python3 (which parses the results) is there.
bench_init() {
	BENCH_NAME=$1
	[[ -x $VPBENCH ]] || die "vpbench binary not found at $VPBENCH (build first or set VPBENCH)"
	command -v python3 >/dev/null || die "python3 is needed to parse results"
}
die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 2; }

# bench_workdir PARENT TAG [FILE...]: a new folder $work under PARENT,
# removed at exit; with KEEP_WORKDIR=1 it stays (its FILEs, large scratch
# files, are still removed) and its path is printed.
bench_workdir() {
	local parent=$1 tag=$2
	shift 2
	work=$(mktemp -d "$parent/vpbench-$tag.XXXXXX") || die "cannot create a work folder in $parent"
	BENCH_DROP=("$@")
	trap bench_cleanup EXIT
}
bench_cleanup() {
	if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then
		local f
		for f in "${BENCH_DROP[@]}"; do rm -f "$work/$f"; done
		echo "raw outputs kept in $work"
	else
		rm -rf "$work"
	fi
}
