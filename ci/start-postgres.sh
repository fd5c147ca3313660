#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on a machine without systemd (CI
# runners, containers), for the shared-history tests and for trying
# `vpbench history --db postgresql://...` by hand; stops it again.
#
#   ci/start-postgres.sh start DIR   creates DIR/data (initdb), starts the
#                                    server on a unix socket in DIR only
#                                    (no TCP), prints `VP_PG_URI=...`
#   ci/start-postgres.sh stop DIR    stops it (the caller removes DIR)
#
# DIR should be a fresh mktemp -d folder. As root, initdb and pg_ctl run as
# the postgres user (the server refuses to run as root) and DIR is handed to
# it; as another user they run as that user. The port only names the socket
# (.s.PGSQL.PORT): one not taken by another socket in DIR is chosen. The
# database `vpbench` is created, owned by the role that connects.
#
# Exit: 0 started/stopped; 1 the server did not start (its log on stderr);
# 2 bad usage or PostgreSQL not installed (apt-get install postgresql).
set -euo pipefail
say() { echo "ci/start-postgres.sh: $*" >&2; }
usage() { say "usage: $0 start|stop DIR"; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1
dir=$(cd "$2" 2>/dev/null && pwd) || { say "$2: no such folder (make one with mktemp -d)"; exit 2; }

bin=
for v in /usr/lib/postgresql/*/bin; do
	[[ -x $v/initdb && -x $v/pg_ctl ]] && bin=$v
done
if [[ -z $bin ]]; then
	say "initdb/pg_ctl not found under /usr/lib/postgresql/*/bin: apt-get install postgresql (bash ci/setup.sh)"
	exit 2
fi

as_owner() { # runs a command as the server's owner
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	if [[ $(id -u) -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || { say "no postgres user: apt-get install postgresql"; exit 2; }
		chown postgres: "$dir"
		role=postgres
	else
		role=$(id -un)
	fi
	# A port whose socket name is free in DIR (there is no TCP listener).
	port=$((20000 + RANDOM % 20000))
	while [[ -e $dir/.s.PGSQL.$port ]]; do port=$((port + 1)); done
	as_owner "$bin/initdb" -D "$dir/data" -U "$role" --auth=trust \
		--encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; say "initdb failed"; exit 1; }
	# listen_addresses='' : unix socket only, nothing on the network.
	if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off" \
		start >/dev/null; then
		cat "$dir/server.log" >&2
		say "the server did not start"
		exit 1
	fi
	echo "$port" >"$dir/port"
	as_owner "$bin/createdb" -h "$dir" -p "$port" -U "$role" vpbench
	# The URI libpq takes: the socket folder as host, percent-encoded.
	enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$dir")
	echo "VP_PG_URI=postgresql://$role@$enc:$port/vpbench"
	;;
stop)
	[[ -d $dir/data ]] || { say "$dir/data: no server here"; exit 2; }
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
*)
	usage
	;;
esac
