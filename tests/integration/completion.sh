#!/usr/bin/env bash
# Bash completion (runner/vpbench-completion.bash, or VP_COMPLETION): sourced
# in bash, `_vpbench` is registered for vpbench and completes commands,
# options, targets, workloads from `vpbench list` (comma lists complete
# their last element), -O keys and the fixed choices, including the
# --opt=value form that bash splits at '='.
set -u
. "$(dirname "$0")/lib.bash"
comp=${VP_COMPLETION:-$VP_SOURCE_DIR/runner/vpbench-completion.bash}
check "completion file exists ($comp)" test -r "$comp"

# replies LINE: what _vpbench offers for the line with the cursor at its end,
# one per line, sorted.
replies() {
	bash -c '
		. "$1" || exit 9
		complete -p vpbench | grep -q -- "-F _vpbench" || exit 8
		COMP_LINE=$2 COMP_POINT=${#2} COMP_WORDS=("$3")
		_vpbench
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$1" "$VPBENCH" | sed '/^$/d' | sort
}
expect() { # expect LINE WANT...: the replies are exactly WANT
	local line=$1; shift
	local got want
	got=$(replies "$line" | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	if [[ $got == "$want" ]]; then pass; else fail "completing '$line': got [$got], want [$want]"; fi
}
has() { # has LINE WORD...: the replies include every WORD
	local line=$1; shift
	local got w
	got=$(replies "$line")
	for w in "$@"; do
		if grep -qxF -- "$w" <<<"$got"; then pass; else fail "completing '$line': '$w' missing from [$(tr '\n' ' ' <<<"$got")]"; fi
	done
}

expect "vpbench " run list env doctor report compare history --help --version
expect "vpbench history " import list export check --help
expect "vpbench history export --format " csv json
has "vpbench history check --" --db --since --metric --alpha --min-size --permutations --seed --threshold --correction --markdown --junit --newest-runs
expect "vpbench history list --" --db --runs --series --help
expect "vpbench r" run report
mapfile -t cpu < <("$VPBENCH" list | awk '/^cpu\./ { print $1 }')
check "vpbench list names cpu workloads" test "${#cpu[@]}" -ge 2
expect "vpbench run -w cpu." "${cpu[@]}"
mapfile -t lockt < <("$VPBENCH" list | awk '/^lock\.t/ { print "cpu.int," $1 }')
expect "vpbench run -w cpu.int,lock.t" "${lockt[@]}"
has "vpbench run -w " cpu lock io all io.randread
expect "vpbench run -t v" vm1 vm2 vm4
expect "vpbench run -t host,s" host,ssh:
expect "vpbench run -t host,vm1,h" host,vm1,host
expect "vpbench run --pi" --pin
expect "vpbench run --pin " none compact scatter
expect "vpbench run --accel=k" kvm
expect "vpbench run --counters=" auto none
expect "vpbench run -O b" $("$VPBENCH" list | awk '/^    -O / && $2 ~ /^b/ { print $2 "=" }' | sort -u)
expect "vpbench run -O bs="
expect "vpbench run -d "
# every long option of `run --help` is offered, nothing else
mapfile -t runopts < <("$VPBENCH" run --help | grep -oE '^ {1,8}(-[A-Za-z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+')
check "run --help lists options" test "${#runopts[@]}" -ge 10
expect "vpbench run --" "${runopts[@]}"
has "vpbench run -" -t -w -j -O
expect "vpbench compare --j" --junit
has "vpbench report --" --output --summary --baseline
tmp=$(mktemp -d)
mkdir "$tmp/run-a" "$tmp/run-b"
expect "vpbench compare $tmp/run-" "$tmp/run-a" "$tmp/run-b"
rm -rf "$tmp"
finish
