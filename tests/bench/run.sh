#!/usr/bin/env bash
# Benchmarks GET /v1/runs?limit=50 and GET /v1/runs/{id} of `runhub serve --sandbox` with 20 ms
# injected on every vendor, with wrk, on 127.0.0.1 only. Builds nothing: give it a release
# binary (default build/release/service/runhub, made by `cmake --workflow --preset run`).
#
#   tests/bench/run.sh [RUNHUB_BINARY]
#   env: DURATION (20s), CONNECTIONS (16), WRK_THREADS (2), SERVER_THREADS (2), LATENCY_MS (20),
#        MODES ("cold warm")
#
# cold: the cache's lifetimes set to 0 and every list request a query of its own (a `since` in
#       2000), every get another run: each request costs its upstream calls (the fan-out).
# warm: the cache as shipped (list pages 5 s, terminal runs 1 h), one URL: mostly cache hits.
#
# Prints the machine and its load, then per mode and route: wrk's latency distribution, a RESULT
# line (req/s, p50, p90, p99), and the upstream requests the sandbox counted per facade request.
# It stops only the server it started (by its PID); every step is bounded in time.
set -euo pipefail

BIN=${1:-build/release/service/runhub}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
LATENCY_MS=${LATENCY_MS:-20}
MODES=${MODES:-cold warm}
HERE=$(cd "$(dirname "$0")" && pwd)

[[ -x $BIN ]] || { echo "no runhub binary at $BIN (build it: cmake --workflow --preset run)" >&2; exit 2; }
for tool in wrk curl jq timeout; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (deploy/install-deps.sh)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/runhub-bench.XXXXXX")
# shellcheck source=tests/bench/sandbox_server.sh
source "$HERE/sandbox_server.sh"

export RUNHUB_API_KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
AUTH="Authorization: Bearer $RUNHUB_API_KEY"
echo '{"cache": {"terminal_run_ttl_ms": 0, "active_run_ttl_ms": 0, "list_page_ttl_ms": 0}}' \
    >"$WORK/cold.json"
echo '{}' >"$WORK/warm.json"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"

facade_curl() { timeout 30 curl -sS --fail -H "$AUTH" "$@"; }
upstream_total() {
    local v n=0
    for v in "${VENDORS[@]}"; do n=$((n + $(vendor_curl "${v#* }/_sandbox/stats" | jq .total))); done
    echo "$n"
}
upstream_by_vendor() {
    local v
    for v in "${VENDORS[@]}"; do
        echo "  ${v%% *}: $(vendor_curl "${v#* }/_sandbox/stats" | jq -c '.by_route')"
    done
}

bench() {  # NAME PATH SCRIPT
    local name=$1 path=$2 script=$3 out result requests after cpu_before cpu_after
    reset_and_inject
    cpu_before=$(cpu_ticks)
    echo
    echo "== $name: GET $path  (wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency, load $(cut -d' ' -f1 /proc/loadavg))"
    out=$(timeout 120 wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
        -s "$HERE/$script" "$BASE$path")
    after=$(upstream_total)
    cpu_after=$(cpu_ticks)
    echo "$out" | sed -n '/Latency Distribution/,/requests in/p'
    result=$(echo "$out" | grep '^RESULT')
    echo "$result"
    requests=$(echo "$result" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
    if [[ -n $requests && $requests -gt 0 ]]; then
        awk -v u="$after" -v r="$requests" \
            'BEGIN { printf "upstream requests per facade request: %.2f (%d / %d)\n", u / r, u, r }'
        awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" \
            'BEGIN { printf "server CPU per facade request: %.2f ms (facade and emulators)\n", 1000 * t / hz / r }'
    fi
    upstream_by_vendor
}

for mode in $MODES; do
    start_server "$WORK/$mode.json"
    facade_curl "$BASE/v1/runs?limit=200" | jq -r '.data[].id' >"$WORK/ids"
    ID=$(head -1 "$WORK/ids")
    [[ -n $ID ]] || { echo "no run id from GET /v1/runs" >&2; exit 1; }
    echo
    echo "#### mode $mode: facade $BASE (pid $SERVER_PID, $SERVER_THREADS threads), ${LATENCY_MS} ms on every vendor"
    if [[ $mode == cold ]]; then
        RUNHUB_BENCH_UNIQUE=1 bench "$mode list" "/v1/runs?limit=50" runs_list.lua
        RUNHUB_BENCH_IDS="$WORK/ids" bench "$mode get ($(wc -l <"$WORK/ids") runs in turn)" \
            "/v1/runs/$ID" run_get.lua
    else
        bench "$mode list" "/v1/runs?limit=50" runs_list.lua
        bench "$mode get" "/v1/runs/$ID" run_get.lua
    fi
    stop_server
done

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
