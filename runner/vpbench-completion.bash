# bash completion for vpbench: commands, options, targets, workloads and
# workload classes, -O keys, and the fixed choices of --pin, --accel and
# --counters. Installed as share/bash-completion/completions/vpbench (loaded
# on demand by bash-completion) and usable on its own with `source`. Every
# list but the targets comes from the very binary being completed (`vpbench
# list`, `vpbench CMD --help`), so completion never drifts from the program.
# Comma lists (-t host,vm2 / -w cpu,lock.tas / -j 1,2) complete their last
# element.

# _vpbench_query BIN WHAT [CMD]: one word per line.
#   workloads  names from `vpbench list`; classes  their class prefixes
#   keys       the -O option keys;  options  the flags of `vpbench CMD [SUB]
#   --help` (SUB: a history subcommand)
_vpbench_query()
{
	local bin=$1
	case $2 in
	workloads)
		"$bin" list 2>/dev/null | awk '/^[a-z0-9_]+\.[a-z0-9_]+ / { print $1 }' ;;
	classes)
		"$bin" list 2>/dev/null |
			awk -F. '/^[a-z0-9_]+\.[a-z0-9_]+ / { print $1 }' | sort -u
		echo all ;;
	keys)
		"$bin" list 2>/dev/null | awk '/^    -O / { print $2 "=" }' | sort -u ;;
	options)
		# the flags that start a help line: "  -t, --targets LIST", "      --pin MODE"
		"$bin" "$3" ${4:+"$4"} --help 2>/dev/null |
			sed -nE 's/^ {1,8}(-[A-Za-z])?(, | )?(--[a-z][a-z0-9-]*)?.*/\1 \3/p' |
			tr ' ' '\n' | sed '/^$/d' | sort -u ;;
	esac
}

# _vpbench_list_reply WORDS CUR: COMPREPLY = WORDS matching the last comma
# element of CUR, each with the elements before it kept in front.
_vpbench_list_reply()
{
	local words=$1 cur=$2 head="" w
	[[ $cur == *,* ]] && head=${cur%,*},
	COMPREPLY=()
	for w in $(compgen -W "$words" -- "${cur##*,}"); do
		COMPREPLY+=("$head$w")
	done
}

_vpbench()
{
	local bin=${COMP_WORDS[0]:-vpbench}
	# Words from the raw line: bash splits "--pin=x", "ssh:h" and "bs=4k" at
	# '=' and ':' (COMP_WORDBREAKS); vpbench's syntax does not.
	local line=${COMP_LINE:0:COMP_POINT}
	local -a w
	read -r -a w <<<"$line"
	[[ $line == *[[:space:]] || ${#w[@]} -eq 0 ]] && w+=("")
	local cur=${w[${#w[@]} - 1]} prev="" cmd=${w[1]-}
	((${#w[@]} >= 2)) && prev=${w[${#w[@]} - 2]}
	local opt=$prev val=$cur
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*} val=${cur#*=}
	fi
	COMPREPLY=()

	if ((${#w[@]} == 2)); then
		COMPREPLY=($(compgen -W "run list env doctor report compare history --help --version" -- "$cur"))
		return 0
	fi
	local sub=""
	if [[ $cmd == history ]]; then
		if ((${#w[@]} == 3)); then
			COMPREPLY=($(compgen -W "import list export check --help" -- "$cur"))
			return 0
		fi
		sub=${w[2]}
	fi
	case $cmd:$opt in
	history:--format)
		COMPREPLY=($(compgen -W "csv json" -- "$val")) ;;
	history:--correction)
		COMPREPLY=($(compgen -W "bh holm none" -- "$val")) ;;
	history:--db | history:-o | history:--output | history:--markdown | \
		history:--junit)
		COMPREPLY=($(compgen -f -- "$val")) ;;
	history:--since | history:--metric | history:--host | history:--alpha | \
		history:--min-size | history:--permutations | history:--seed | \
		history:--threshold | history:--newest-runs)
		;; # free values
	run:-t | run:--targets)
		_vpbench_list_reply "host vm1 vm2 vm4 ssh:" "$val" ;;
	run:-w | run:--workloads)
		_vpbench_list_reply "$(_vpbench_query "$bin" workloads) $(_vpbench_query "$bin" classes)" "$val" ;;
	run:-j | run:--threads)
		_vpbench_list_reply "1 2 4 8" "$val" ;;
	run:--pin)
		COMPREPLY=($(compgen -W "none compact scatter" -- "$val")) ;;
	run:--accel)
		COMPREPLY=($(compgen -W "auto kvm tcg" -- "$val")) ;;
	run:--counters)
		COMPREPLY=($(compgen -W "auto none" -- "$val")) ;;
	run:-O)
		[[ $val == *=* ]] ||
			COMPREPLY=($(compgen -W "$(_vpbench_query "$bin" keys)" -- "$val")) ;;
	run:--kernel | run:--plan | report:--summary | compare:--markdown | compare:--junit)
		COMPREPLY=($(compgen -f -- "$val")) ;;
	run:--modules | run:-o | run:--output)
		COMPREPLY=($(compgen -d -- "$val")) ;;
	report:-o | report:--output)
		COMPREPLY=($(compgen -f -- "$val")) ;;
	run:-r | run:--reps | run:-d | run:--duration | run:--warmup | \
		run:--host-load | run:--disk-size | run:--boot-timeout | \
		run:--run-timeout | run:--run-id | report:--baseline | \
		compare:--threshold | compare:--alpha)
		;; # free values
	*)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_vpbench_query "$bin" options "$cmd" "$sub")" -- "$cur"))
		elif [[ $cmd == report || $cmd == compare || $cmd:$sub == history:import ]]; then
			COMPREPLY=($(compgen -d -- "$cur")) # run folders
		fi ;;
	esac
	# A word ending in ':' or '=' takes more text: no space after it.
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *[:=] ]]; then
		compopt -o nospace 2>/dev/null
	fi
	# bash replaces only the part of the word after its last ':' or '='.
	local brk=${cur%"${cur##*[:=]}"}
	if [[ -n $brk && $COMP_WORDBREAKS == *[:=]* ]]; then
		local i
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$brk"}
		done
	fi
	return 0
}
complete -F _vpbench vpbench
