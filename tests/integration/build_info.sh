#!/usr/bin/env bash
# `vpbench --version`: the release version and the git description captured
# at build time on the first line (help2man reads it), then the copyright
# and licence; the capture script
# says "unknown" outside a git checkout, for a tree inside another
# repository, and without git, and emits only C-safe text.
set -u
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
script=$VP_SOURCE_DIR/ci/build-info.cmake

out=$("$VPBENCH" --version); rc=$?
check "--version exits 0" test "$rc" -eq 0
first=$(sed -n 1p <<<"$out")
check "first line is 'vpbench X.Y.Z (git DESC)' ($first)" \
	grep -Eq '^vpbench [0-9]+\.[0-9]+\.[0-9]+ \(git [A-Za-z0-9._+/-]+\)$' <<<"$first"
check "copyright line" grep -q "^Copyright (c) 2026 The vpbench authors.$" <<<"$out"
check "the licence is named" grep -q "^MIT License.$" <<<"$out"
check "'vpbench version' says the same" test "$("$VPBENCH" version)" = "$out"
if command -v git >/dev/null && git -C "$VP_SOURCE_DIR" rev-parse >/dev/null 2>&1; then
	want=$(git -C "$VP_SOURCE_DIR" describe --always)
	check "the git description names HEAD ($first vs $want)" \
		grep -q "(git $want\(-dirty\)\?)$" <<<"$first"
fi

gen() { # gen SRC GIT -> prints the generated description
	cmake -DSRC="$1" -DOUT="$tmp/out.c" -DGIT="$2" -P "$script" >/dev/null 2>&1 || echo FAILED
	sed -n 's/^const char vp_git_describe\[\] = "\(.*\)";$/\1/p' "$tmp/out.c"
	rm -f "$tmp/out.c"
}
mkdir -p "$tmp/tarball"
check "not a git checkout -> unknown" test "$(gen "$tmp/tarball" "$(command -v git)")" = unknown
check "no git -> unknown" test "$(gen "$VP_SOURCE_DIR" "")" = unknown
if command -v git >/dev/null; then
	git init -q "$tmp/outer" && mkdir -p "$tmp/outer/vendored" &&
		git -C "$tmp/outer" -c user.email=t@t -c user.name=t commit -q --allow-empty -m x
	check "a tree inside another repository -> unknown" \
		test "$(gen "$tmp/outer/vendored" "$(command -v git)")" = unknown
	check "its own checkout -> a description" \
		test "$(gen "$tmp/outer" "$(command -v git)")" != unknown
fi
finish
