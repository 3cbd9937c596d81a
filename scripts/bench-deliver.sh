#!/usr/bin/env bash
# bench-deliver.sh — persisted-and-delivered messages per second, send→deliver
# latency and CPU cost, on one node or two (see BENCHMARKS.md).
#
# For each rate in RATES it starts fresh server node(s), runs
# "parley wsbench --mode deliver" (buyer sockets + seller sockets, paced HTTP
# senders; every message is acknowledged only once durable, then must reach
# every socket of its buyer and of the seller), prints the result and a
# one-line summary, and stops the nodes.
#
# Environment:
#   DB=sqlite|postgres        database (postgres: a fresh schema per rate)
#   NODES=1|2                 2 needs DB=postgres; the nodes share NATS
#   RATES="2000 4000"         offered messages per second, one run each
#   SOCKETS=1000 SELLER_SOCKETS=1 SENDERS=64 DURATION=20s WARMUP=2s
#   PG_URL=postgres://postgres@127.0.0.1:5432/test   NATS_URL=nats://127.0.0.1:4222
#   PARLEY_BIN=/path/to/parley   KEEP=1
#   WSBENCH_ARGS="--cpuprofile /tmp/loadgen.pprof"   extra "parley wsbench" flags
set -euo pipefail
DB=${DB:-sqlite}
NODES=${NODES:-1}
RATES=${RATES:-2000}
SOCKETS=${SOCKETS:-1000}
SELLER_SOCKETS=${SELLER_SOCKETS:-1}
SENDERS=${SENDERS:-64}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-2s}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
case $DB in sqlite|postgres) ;; *) echo "DB=$DB: want sqlite or postgres" >&2; exit 2 ;; esac
if (( NODES > 1 )) && [[ $DB != postgres ]]; then echo "NODES=$NODES needs DB=postgres" >&2; exit 2; fi

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-deliver.XXXXXX")
bin=${PARLEY_BIN:-$work/parley}
pids=()
schema=

stop_nodes() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
	if [[ -n $schema && -z ${KEEP:-} ]]; then psql "$PG_URL" -qAtc "drop schema if exists $schema cascade" >/dev/null 2>&1 || true; fi
	schema=
}
cleanup() {
	stop_nodes
	if [[ -z ${KEEP:-} ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [[ -z ${PARLEY_BIN:-} ]]; then
	(cd "$root" && go build -o "$bin" ./cmd/parley)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export PARLEY_HOST_API_KEY=bench-host-key-$RANDOM$RANDOM
export PARLEY_SSO_SECRET=bench-sso-secret-0123456789abcdef-$RANDOM
# The load's senders post far faster than a person: limits they never reach,
# still checked on every request (docs/security.md, "Rate limits").
for v in LOGIN_EMAIL LOGIN_ADDR SSO_ADDR STARTS MESSAGES UPLOADS WEBHOOKS; do export "PARLEY_RATE_$v=1000000/1s"; done
# The load generator shares a few users' sessions among many sockets.
export PARLEY_WS_MAX_PER_USER=1000000 PARLEY_WS_MAX_PER_SESSION=1000000
unset PARLEY_DATABASE_URL PARLEY_NATS_URL

start_nodes() { # $1: run name
	urls=()
	local env=()
	if [[ $DB == postgres ]]; then
		schema=bench_$(date +%s)_$$_$RANDOM
		psql "$PG_URL" -qAtc "create schema $schema" >/dev/null
		env+=("PARLEY_DATABASE_URL=$PG_URL?sslmode=disable&search_path=$schema")
	fi
	if (( NODES > 1 )); then env+=("PARLEY_NATS_URL=$NATS_URL"); fi
	for n in $(seq "$NODES"); do
		local port; port=$(free_port)
		env "${env[@]}" "$bin" serve --addr "127.0.0.1:$port" --data "$work/$1-node$n" --log-level warn >"$work/$1-node$n.log" 2>&1 &
		pids+=($!)
		urls+=("http://127.0.0.1:$port")
		for _ in $(seq 150); do
			curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
			kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$1-node$n.log" >&2; exit 1; }
			sleep 0.1
		done
	done
}

comms=
[[ $DB == postgres ]] && comms=postgres
(( NODES > 1 )) && comms=${comms:+$comms,}nats-server
echo "== parley delivery benchmark: $DB, $NODES node(s), $(nproc) CPUs, $(date -u +%FT%TZ)"
summary=()
for rate in $RATES; do
	start_nodes "r$rate"
	echo "-- $rate msg/s offered: $SOCKETS buyer sockets + $SELLER_SOCKETS seller, $SENDERS senders, $DURATION (+$WARMUP warm-up), nodes ${urls[*]} (pids ${pids[*]})"
	out=$("$bin" wsbench --mode deliver --url "$(IFS=,; echo "${urls[*]}")" --sockets "$SOCKETS" --seller-sockets "$SELLER_SOCKETS" \
		--senders "$SENDERS" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP" \
		--cpu-pids "$(IFS=,; echo "${pids[*]}")" ${comms:+--cpu-comm "$comms"} ${WSBENCH_ARGS:-} 2>&1) || { echo "$out"; exit 1; }
	echo "$out" | grep -v '^loadgen:'
	summary+=("$(echo "$out" | tail -1 | python3 -c '
import json,sys
r=json.loads(sys.stdin.read())
print("| %d | %.0f | %d / %d | %.1f | %.1f | %.1f | %.3f | %d |" % (r["target_rate"], r["per_second"], r["delivered"], r["expected"], r["p50_ms"], r["p99_ms"], r["ack_p99_ms"], r.get("cpu_s_per_1000_msgs",0), r.get("resyncs",0)))')")
	stop_nodes
done
echo
echo "| offered msg/s | acknowledged msg/s | delivered / owed | p50 ms | p99 ms | HTTP p99 ms | CPU-s per 1,000 msgs | resyncs |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${summary[@]}"
