#!/usr/bin/env bash
# Build-time step: writes the man page vpbench.1 from the binary itself —
# help2man turns `vpbench --help` and `--version` into the page, and every
# command's own `vpbench <command> --help` becomes a verbatim subsection —
# so the page cannot drift from the program. FILES names where this build
# installs its helper script.
# Usage: ci/gen-man.sh VPBENCH HELP2MAN LIBEXECDIR OUT
set -euo pipefail
vpbench=$1 help2man=$2 libexecdir=$3 out=$4
# "history import" and the like: a command and its subcommand, split on
# purpose where they are run.
commands=(run list env doctor report compare history "history import"
	"history list" "history export" "history check")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Plain text into roff, kept verbatim: escape backslashes, make '-' a
# searchable minus sign, and neutralise leading '.' and "'" (roff requests).
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

for c in "${commands[@]}"; do
	# shellcheck disable=SC2086
	"$vpbench" $c --help >"$tmp/${c// /-}.txt" ||
		{ echo "gen-man: '$vpbench $c --help' failed" >&2; exit 1; }
done
{
	echo "[COMMAND OPTIONS]"
	for c in "${commands[@]}"; do
		echo ".SS \"vpbench $c\""
		echo ".nf"
		roff <"$tmp/${c// /-}.txt"
		echo ".fi"
	done
	cat <<EOF2
[ENVIRONMENT]
.TP
.B VPBENCH_CACHE
guest kernel cache (default \\fI~/.cache/vpbench\\fP); the kernel is searched in its \\fIkernel/\\fP folder.
.TP
.B XDG_DATA_HOME
where \fBvpbench history\fP keeps its default database, \fIvpbench/history.db\fP (default \fI~/.local/share\fP).
.TP
.B VPBENCH_QEMU
the QEMU binary for vmN targets (default \\fIqemu\\-system\\-x86_64\\fP on PATH).
.TP
.B VPBENCH_SSH_OPTS
extra OpenSSH client options for ssh: targets, e.g. \\fB\\-F\\fP \\fIconfig\\fP.
.TP
.B VPBENCH_KEEP_GUEST
1 keeps the per-run initramfs for diagnosis.
.TP
.B VPBENCH_GUEST_APPEND
extra guest kernel arguments, for diagnosis.
[FILES]
.TP
.I $(printf '%s' "$libexecdir" | roff)/fetch\\-guest\\-kernel.sh
fetches a guest kernel (a distribution kernel package, unpacked, nothing installed) into
\\fI\$VPBENCH_CACHE/kernel\\fP for vmN targets when the host's own kernel is not readable.
.TP
.I results/<UTC timestamp>-<pid>/
a run folder: \\fIresults.csv\\fP (one row per measured value), \\fIenv.csv\\fP,
\\fIplan.conf\\fP (reusable with \\fB\\-\\-plan\\fP), \\fIsummary.csv\\fP, \\fIreport.html\\fP.
EOF2
} >"$tmp/include.h2m"

"$help2man" --no-info --section=1 --include="$tmp/include.h2m" \
	--name="measure what virtualization costs multiprocessor workloads" \
	--output="$tmp/vpbench.1" "$vpbench"
mv "$tmp/vpbench.1" "$out"
