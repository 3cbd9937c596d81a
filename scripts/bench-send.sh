#!/usr/bin/env bash
# bench-send.sh [sqlite|postgres] — measure acknowledged messages per second
# through the HTTP API (see BENCHMARKS.md).
#
# Builds parley, starts a server on a free loopback port with a fresh data
# directory (and, for postgres, a fresh schema), runs "parley loadgen" against
# it, prints the result and stops the server (also on failure or Ctrl-C).
#
# Environment:
#   SENDERS=50 DURATION=20s WARMUP=2s  load shape
#   LOADGEN_ARGS="..."                 extra "parley loadgen" flags
#   PG_URL=postgres://postgres@127.0.0.1:5432/test   PostgreSQL database
#   PARLEY_BIN=/path/to/parley         use this binary instead of building one
#   KEEP=1                             keep the data dir / schema afterwards
set -euo pipefail

db=${1:-sqlite}
case $db in sqlite|postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac
SENDERS=${SENDERS:-50}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-2s}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-bench.XXXXXX")
bin=${PARLEY_BIN:-$work/parley}
server_pid=
schema=

cleanup() {
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ -z ${KEEP:-} ]]; then
		[[ -n $schema ]] && psql "$PG_URL" -qAtc "drop schema if exists $schema cascade" >/dev/null 2>&1 || true
		rm -rf "$work"
	else
		echo "kept $work${schema:+ and schema $schema}" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z ${PARLEY_BIN:-} ]]; then
	(cd "$root" && go build -o "$bin" ./cmd/parley)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PARLEY_HOST_API_KEY=bench-host-key-$RANDOM$RANDOM
export PARLEY_SSO_SECRET=bench-sso-secret-0123456789abcdef-$RANDOM
# The load's senders post far faster than a person: limits they never reach,
# still checked on every request (docs/security.md, "Rate limits").
for v in LOGIN_EMAIL LOGIN_ADDR SSO_ADDR STARTS MESSAGES UPLOADS WEBHOOKS; do export "PARLEY_RATE_$v=1000000/1s"; done
unset PARLEY_DATABASE_URL
if [[ $db == postgres ]]; then
	schema=bench_$(date +%s)_$$
	psql "$PG_URL" -qAtc "create schema $schema" >/dev/null
	export PARLEY_DATABASE_URL="$PG_URL?sslmode=disable&search_path=$schema"
fi

"$bin" serve --addr "127.0.0.1:$port" --data "$work/data" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
	curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
	sleep 0.1
done

echo "== parley send benchmark: $db, $SENDERS senders, $DURATION (+$WARMUP warm-up), $(nproc) CPUs, $(date -u +%FT%TZ)"
cpu_comm=
[[ $db == postgres ]] && cpu_comm="--cpu-comm postgres"
"$bin" loadgen --url "http://127.0.0.1:$port" --senders "$SENDERS" --duration "$DURATION" --warmup "$WARMUP" --cpu-pids "$server_pid" $cpu_comm ${LOADGEN_ARGS:-}
