#!/usr/bin/env bash
# reliability.sh [duration] [sqlite|postgres|both] — the long reliability run.
#
# Runs TestReliabilitySIGKILL for the given time (default 10m) on each
# database: three receivers drop and reopen their sockets at random, eight
# senders post without pause, and the server is killed with SIGKILL every
# 0.5–2.5 s and restarted on the same data. At the end every receiver must
# hold every acknowledged message exactly once, in gapless seq order. The
# test prints, per database, the messages acknowledged, the SIGKILLs and
# what each receiver got through its socket and through /sync.
set -euo pipefail
dur=${1:-10m}
dbs=${2:-both}
case $dbs in both) run='TestReliabilitySIGKILL' ;; sqlite) run='TestReliabilitySIGKILL/sqlite' ;; postgres) run='TestReliabilitySIGKILL/postgres' ;;
*) echo "usage: $0 [duration] [sqlite|postgres|both]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
PARLEY_RELIABILITY_FOR=$dur exec go test -count=1 -timeout 0 -v -run "^${run}\$" ./cmd/parley
