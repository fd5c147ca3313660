#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a working, self-contained
# vpbench: the binary (same --version as the build), its man page (every
# command and every option of every command's --help, renders cleanly),
# bash completion (the completion test passes against the installed copy),
# the guest-kernel fetch script in libexec, and the licence. The installed
# binary names its own installed script when no guest kernel is found (the
# build-tree binary names the source tree's), also from a DESTDIR staging
# tree, where the binary lives elsewhere than its configured prefix.
set -u
. "$(dirname "$0")/lib.bash"
build=${VP_BUILD_DIR:?VP_BUILD_DIR: the build folder to install from}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1
check "cmake --install exits 0 ($(tail -2 "$tmp/install.log"))" test $? -eq 0
bin=$prefix/bin/vpbench
check "binary installed and executable" test -x "$bin"
check "installed --version is the build's" \
	test "$("$bin" --version 2>&1)" = "$("$VPBENCH" --version 2>&1)"
check "installed binary lists workloads" \
	bash -c '"$1" list | grep -q "^cpu.int "' _ "$bin"
script=$(find "$prefix" -name fetch-guest-kernel.sh -path '*/vpbench/*' | head -1)
check "fetch-guest-kernel.sh installed ($script)" test -x "${script:-/nonexistent}"
check "it lives under libexec" grep -q "/libexec/vpbench/fetch-guest-kernel.sh$" <<<"$script"
check "LICENSE installed" grep -q "MIT License" "$prefix/share/doc/vpbench/LICENSE"
check "README installed" test -s "$prefix/share/doc/vpbench/README.md"

# ---- the man page ---------------------------------------------------------
man=$prefix/share/man/man1/vpbench.1
if [[ ${VP_HAVE_MAN:-} != TRUE && ${VP_HAVE_MAN:-} != ON && ${VP_HAVE_MAN:-} != 1 ]]; then
	echo "SKIP (part): this build has no man page (configured without help2man)"
else
	check "man page installed" test -s "$man"
	check "man page has a .TH VPBENCH 1 header" grep -q '^\.TH VPBENCH "1"' "$man"
	mapfile -t cmds < <("$bin" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && NF { print $1 }')
	check "--help lists commands (${cmds[*]})" test "${#cmds[@]}" -ge 5
	for c in "${cmds[@]}"; do
		check "man page has a section for '$c'" grep -q "^\.SS \"vpbench $c\"" "$man"
		mapfile -t opts < <("$bin" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
		for o in "${opts[@]}"; do
			check "man page names '$c $o'" grep -qF -- "${o//-/\\-}" "$man"
		done
	done
	check "FILES names the installed script's configured folder" \
		grep -q 'libexec/vpbench/fetch\\-guest\\-kernel.sh' "$man"
	if command -v man >/dev/null; then
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
		check "man renders without warnings ($out)" test -z "$out"
		check "man shows the run options" \
			bash -c 'MANWIDTH=80 man -l "$1" 2>/dev/null | grep -q -- "--disk-size"' _ "$man"
	fi
fi

# ---- bash completion ------------------------------------------------------
comp=$prefix/share/bash-completion/completions/vpbench
check "completion installed" test -s "$comp"
VP_COMPLETION=$comp VPBENCH=$bin bash "$(dirname "$0")/completion.sh" >"$tmp/comp.log" 2>&1
check "completion test passes on the installed copy ($(grep FAIL "$tmp/comp.log" | head -2))" test $? -eq 0

# ---- the fetch script as installed, and who names it ----------------------
if command -v apt-cache >/dev/null && [[ -r /etc/os-release ]]; then
	out=$(VPBENCH_CACHE=$tmp/cache "$script" --print 2>&1)
	check "installed script runs on its own (--print: $out)" \
		grep -q "^kernel:  $tmp/cache/kernel/boot/vmlinuz-" <<<"$out"
fi
no_kernel() { # no_kernel BIN OUT: a vm1 run without any guest kernel
	HOME=$tmp/home VPBENCH_CACHE=$tmp/empty-cache "$1" run -t vm1 -w cpu.int \
		-j 1 -r 1 -d 0.1 --counters none --no-report -o "$2" 2>&1 >/dev/null
}
if [[ -r /boot/vmlinuz-$(uname -r) ]]; then
	echo "SKIP (part): the host kernel is readable, so no run lacks a kernel"
elif ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP (part): no QEMU, the vm target stops before kernel discovery"
else
	real=$(realpath "$script")
	out=$(no_kernel "$bin" "$tmp/r1")
	check "installed binary names its installed script ($out)" \
		grep -qF "run \`bash $real\`" <<<"$out"
	check "...and no source-tree path" bash -c '! grep -q "ci/fetch" <<<"$1"' _ "$out"
	out=$(no_kernel "$VPBENCH" "$tmp/r2")
	check "build-tree binary names the source tree's script ($out)" \
		grep -qF "run \`bash $(realpath "$VP_SOURCE_DIR")/ci/fetch-guest-kernel.sh\`" <<<"$out"
	DESTDIR=$tmp/stage cmake --install "$build" >/dev/null 2>&1
	sbin=$(find "$tmp/stage" -path '*/bin/vpbench' | head -1)
	sscript=$(find "$tmp/stage" -name fetch-guest-kernel.sh | head -1)
	out=$(no_kernel "$sbin" "$tmp/r3")
	check "a DESTDIR-staged binary names its staged script ($out)" \
		grep -qF "run \`bash $(realpath "$sscript")\`" <<<"$out"
fi
finish
