#!/usr/bin/env bash
# bench-ws.sh [idle|deliver|all] — WebSocket benchmarks (see BENCHMARKS.md,
# "Real time (WebSocket)").
#
# Builds parley, starts a server (SQLite, fresh data dir, --pprof-addr) on
# free loopback ports and runs "parley wsbench":
#   idle:    IDLE_SOCKETS idle sockets (default 15000) → the server's memory
#            per socket (VmRSS and runtime.MemStats before/after), with heap
#            and goroutine profiles of the server saved while they are open;
#   deliver: SOCKETS buyer sockets (default 1000) + SELLER_SOCKETS (1) and
#            paced HTTP senders at RATE msg/s (2000) for DURATION (20s) →
#            send→deliver latency; `top` samples CPU of both processes.
# Each mode gets its own server. Everything is stopped at the end (also on
# failure or Ctrl-C).
#
# Environment:
#   IDLE_SOCKETS=15000 USERS=100                     idle shape
#   SOCKETS=1000 SELLER_SOCKETS=1 SENDERS=64 RATE=2000 DURATION=20s WARMUP=2s
#   PARLEY_BIN=/path/to/parley    use this binary instead of building one
#   KEEP=1                        keep the work dir (profiles, logs)
set -euo pipefail

what=${1:-all}
case $what in idle|deliver|all) ;; *) echo "usage: $0 [idle|deliver|all]" >&2; exit 2 ;; esac
IDLE_SOCKETS=${IDLE_SOCKETS:-15000}
USERS=${USERS:-100}
SOCKETS=${SOCKETS:-1000}
SELLER_SOCKETS=${SELLER_SOCKETS:-1}
SENDERS=${SENDERS:-64}
RATE=${RATE:-2000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-2s}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-wsbench.XXXXXX")
bin=${PARLEY_BIN:-$work/parley}
server_pid=
top_pid=

stop_server() {
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	server_pid=
}
cleanup() {
	if [[ -n $top_pid ]]; then kill "$top_pid" 2>/dev/null || true; wait "$top_pid" 2>/dev/null || true; fi
	stop_server
	if [[ -z ${KEEP:-} ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Both processes need a file per socket (plus the server's own).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < IDLE_SOCKETS + 512 )) && [[ $what != deliver ]]; then
	echo "open-file limit $(ulimit -n) is too low for $IDLE_SOCKETS sockets" >&2; exit 1
fi

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

start_server() { # $1: name of the data dir
	port=$(free_port)
	pport=$(free_port)
	"$bin" serve --addr "127.0.0.1:$port" --data "$work/$1" --log-level warn --pprof-addr "127.0.0.1:$pport" >"$work/$1.log" 2>&1 &
	server_pid=$!
	for _ in $(seq 100); do
		curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$pport/debug/pprof/" >/dev/null 2>&1 && return
		kill -0 "$server_pid" 2>/dev/null || { cat "$work/$1.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "server did not come up" >&2; exit 1
}

echo "== parley WebSocket benchmark: $(nproc) CPUs, $(date -u +%FT%TZ), open-file limit $(ulimit -n)"

if [[ $what == idle || $what == all ]]; then
	start_server idle
	echo "-- (a) $IDLE_SOCKETS idle sockets ($USERS users), server pid $server_pid"
	"$bin" wsbench --mode idle --url "http://127.0.0.1:$port" --sockets "$IDLE_SOCKETS" --users "$USERS" \
		--server-pid "$server_pid" --pprof "http://127.0.0.1:$pport" --profile-dir "$work/profiles"
	if command -v go >/dev/null; then
		echo "-- server heap with the sockets open (inuse_space, top 12)"
		go tool pprof -sample_index=inuse_space -top -nodecount=12 "$bin" "$work/profiles/heap.pb.gz" 2>/dev/null | sed -n '1,20p' || true
		echo "-- server goroutines with the sockets open (the largest group)"
		awk 'NR>1 && /^$/{exit} NR>1' "$work/profiles/goroutine.txt" | sed 's/^#[[:space:]]*0x[0-9a-f]*[[:space:]]*/   /' || true
	fi
	stop_server
fi

if [[ $what == deliver || $what == all ]]; then
	start_server deliver
	echo "-- (b) $SOCKETS buyer sockets + $SELLER_SOCKETS seller, $SENDERS senders at $RATE msg/s for $DURATION (+$WARMUP warm-up), server pid $server_pid"
	"$bin" wsbench --mode deliver --url "http://127.0.0.1:$port" --sockets "$SOCKETS" --seller-sockets "$SELLER_SOCKETS" \
		--senders "$SENDERS" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --cpu-pids "$server_pid" >"$work/deliver.out" 2>&1 &
	lg_pid=$!
	# CPU split: sample top for the two processes while the load runs (after
	# setup and warm-up: wait until the loadgen says it is sending).
	for _ in $(seq 600); do grep -q "senders at" "$work/deliver.out" 2>/dev/null && break; kill -0 $lg_pid 2>/dev/null || break; sleep 0.1; done
	sleep 4
	top -b -d 2 -n 6 -p "$server_pid,$lg_pid" >"$work/top.txt" 2>/dev/null &
	top_pid=$!
	wait $lg_pid
	wait "$top_pid" 2>/dev/null || true
	top_pid=
	cat "$work/deliver.out"
	echo "-- top during (b) (%CPU of one core; server pid $server_pid, loadgen pid $lg_pid), 5 samples 2 s apart"
	# The first of top's samples counts since the process started: skipped.
	awk -v s="$server_pid" -v l="$lg_pid" '/^top -/{it++} it<2{next} $1==s{sv+=$9; n1++} $1==l{lv+=$9; n2++} /^%Cpu/{print}
		END{if(n1) printf "server  avg %.0f %%\n", sv/n1; if(n2) printf "loadgen avg %.0f %%\n", lv/n2}' "$work/top.txt"
	stop_server
fi
