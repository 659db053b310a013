#!/usr/bin/env bash
# Issue 5, point 10: the dashboard workload. 50 clients each poll the same 10 running runs
# (GET /v1/runs/{id}) every 2 s for 60 s against `runhub serve --sandbox` with the cache as
# shipped (running runs 2 s), and the upstream calls that cost per vendor, from each emulator's
# GET /_sandbox/stats (read before and after: no reset, nothing else changed). Goal: under 200
# upstream calls a minute per vendor. 127.0.0.1 only; stops only what it started, by PID.
#
#   tests/bench/dashboard.sh [RUNHUB_BINARY]
#   env: CLIENTS (50), RUNS (10), PERIOD_S (2), DURATION_S (60), SERVER_THREADS (1),
#        PICK (newest: the RUNS newest running runs of all vendors, as a dashboard of "what runs
#        now" shows them; spread: the running runs of each vendor taken in turn, as evenly as
#        the vendors' running runs allow; vendor:NAME: RUNS running runs of that vendor only),
#        SANDBOX_BUDGET (PER_MINUTE:BURST for each sandbox source; none by default)
#
# Each client is a bash loop that, at its ticks (start + its offset + k * PERIOD_S; the 50
# offsets spread evenly over one period, so the offered load is a steady
# CLIENTS * RUNS / PERIOD_S = 250 req/s), runs one curl with the 10 URLs (one keep-alive
# connection) and records each answer's status and time. Ticks are absolute: a late round does
# not shift the next ones.
set -euo pipefail

BIN=${1:-build/release/service/runhub}
CLIENTS=${CLIENTS:-50}
RUNS=${RUNS:-10}
PERIOD_S=${PERIOD_S:-2}
DURATION_S=${DURATION_S:-60}
SERVER_THREADS=${SERVER_THREADS:-1}
PICK=${PICK:-newest}

[[ -x $BIN ]] || { echo "no runhub binary at $BIN" >&2; exit 2; }
for tool in curl jq timeout awk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/runhub-dashboard.XXXXXX")
SERVER_PID=
CLIENT_PIDS=()
cleanup() {
    local p
    for p in "${CLIENT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export RUNHUB_API_KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
AUTH="Authorization: Bearer $RUNHUB_API_KEY"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runhub: $BIN"

# SANDBOX_BUDGET=PER_MINUTE:BURST gives each sandbox source an outbound budget (the sandbox's
# sources have none by default; a configured Buildkite source gets 170:20 from its quota).
CONFIG_ARGS=()
if [[ -n ${SANDBOX_BUDGET:-} ]]; then
    printf '{"sandbox": {"budget": {"per_minute": %d, "burst": %d}}}\n' \
        "${SANDBOX_BUDGET%%:*}" "${SANDBOX_BUDGET##*:}" >"$WORK/budget.json"
    CONFIG_ARGS=(--config "$WORK/budget.json")
    echo "sandbox budget per source: $(cat "$WORK/budget.json")"
fi
"$BIN" serve "${CONFIG_ARGS[@]}" --sandbox --sandbox-port-base 0 --sandbox-ca-out "$WORK/ca.pem" \
    --listen 127.0.0.1:0 --threads "$SERVER_THREADS" >"$WORK/access.log" 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 300); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -1)
    [[ -n $PORT ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n $PORT ]] || { echo "runhub did not start in 30 s" >&2; cat "$WORK/serve.log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
mapfile -t VENDORS < <(sed -n 's/.*sandbox vendor \([a-z]*\) at \(https:\/\/127\.0\.0\.1:[0-9]*\) .*/\1 \2/p' "$WORK/serve.log")
[[ ${#VENDORS[@]} -eq 5 ]] || { echo "expected 5 sandbox vendors in the log" >&2; cat "$WORK/serve.log" >&2; exit 1; }
echo "facade: $BASE (pid $SERVER_PID, $SERVER_THREADS thread(s)), cache as shipped"

vendor_curl() { timeout 10 curl -sS --fail --cacert "$WORK/ca.pem" "$@"; }
facade_curl() { timeout 30 curl -sS --fail -H "$AUTH" "$@"; }

if [[ $PICK == spread ]]; then
    for vb in "${VENDORS[@]}"; do
        facade_curl "$BASE/v1/runs?status=running&source=${vb%% *}&limit=$RUNS"
    done | jq -s --argjson n "$RUNS" \
        '{data: ([range(0; $n) as $i | .[] | .data[$i] // empty] | .[:$n])}' >"$WORK/running.json"
    WHAT="round robin over GET /v1/runs?status=running&source=S for each vendor S"
elif [[ $PICK == vendor:* ]]; then
    facade_curl "$BASE/v1/runs?status=running&source=${PICK#vendor:}&limit=$RUNS" >"$WORK/running.json"
    WHAT="GET /v1/runs?status=running&source=${PICK#vendor:}&limit=$RUNS"
else
    facade_curl "$BASE/v1/runs?status=running&limit=$RUNS" >"$WORK/running.json"
    WHAT="GET /v1/runs?status=running&limit=$RUNS"
fi
jq -r '.data[].id' "$WORK/running.json" >"$WORK/ids"
[[ $(wc -l <"$WORK/ids") -eq $RUNS ]] || { echo "fewer than $RUNS running runs" >&2; cat "$WORK/running.json" >&2; exit 1; }
echo
echo "== the $RUNS running runs ($WHAT)"
jq -r '.data[] | "\(.id)  \(.status)  created \(.created_at)"' "$WORK/running.json"
echo "per vendor: $(jq -r '[.data[].source] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' "$WORK/running.json")"
mapfile -t IDS <"$WORK/ids"
URLS=()  # curl's -o applies to one URL: one per URL
for id in "${IDS[@]}"; do URLS+=(-o /dev/null "$BASE/v1/runs/$id"); done

stats() {  # PREFIX: PREFIX.VENDOR holds {total, by_route}
    local v
    for v in "${VENDORS[@]}"; do
        vendor_curl "${v#* }/_sandbox/stats" | jq -c '{total, by_route}' >"$1.${v%% *}"
    done
}
stats "$WORK/before"

# --- the clients
now_us() { local t=${EPOCHREALTIME/./}; echo "$((10#$t))"; }
client() {  # INDEX START_US
    local i=$1 start=$2 k ticks=$((DURATION_S / PERIOD_S)) target now wait_us
    local offset=$((i * PERIOD_S * 1000000 / CLIENTS))
    for ((k = 0; k < ticks; k++)); do
        target=$((start + offset + k * PERIOD_S * 1000000))
        now=$(now_us)
        wait_us=$((target - now))
        ((wait_us > 0)) && sleep "$(printf '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000)))"
        timeout 30 curl -s -H "$AUTH" -w '%{http_code} %{time_total}\n' "${URLS[@]}" \
            >>"$WORK/client.$i" || true
    done
}
START_US=$(($(now_us) + 500000))
echo
echo "== $CLIENTS clients x $RUNS runs every ${PERIOD_S}s for ${DURATION_S}s" \
    "(offered $((CLIENTS * RUNS / PERIOD_S)) req/s; load $(cut -d' ' -f1 /proc/loadavg))"
CPU0=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
for ((i = 0; i < CLIENTS; i++)); do
    client "$i" "$START_US" &
    CLIENT_PIDS+=($!)
done
LOAD_MID=
( sleep $((DURATION_S / 2)); cut -d' ' -f1-3 /proc/loadavg >"$WORK/load_mid" ) &
CLIENT_PIDS+=($!)
for p in "${CLIENT_PIDS[@]}"; do wait "$p" || true; done
CLIENT_PIDS=()
END_US=$(now_us)
stats "$WORK/after"
CPU1=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
LOAD_MID=$(cat "$WORK/load_mid" 2>/dev/null || echo "?")

ELAPSED=$(awk -v a="$START_US" -v b="$END_US" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
cat "$WORK"/client.* >"$WORK/all"
echo "elapsed: ${ELAPSED}s, load mid-run: $LOAD_MID, load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "answers: $(wc -l <"$WORK/all") of $((CLIENTS * RUNS * (DURATION_S / PERIOD_S))) offered;" \
    "by status: $(cut -d' ' -f1 "$WORK/all" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')"
sort -n -k2 "$WORK/all" | awk '{ t[NR] = $2 } END {
    printf "facade latency (curl time_total): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        1000 * t[int(NR * 0.50)], 1000 * t[int(NR * 0.99)], 1000 * t[NR] }'
awk -v t=$((CPU1 - CPU0)) -v hz="$(getconf CLK_TCK)" -v n="$(wc -l <"$WORK/all")" \
    'BEGIN { printf "server CPU: %.2f s, %.0f us per request (facade and emulators)\n", t / hz, 1e6 * t / hz / n }'
echo "runs still running at the end: $(for id in "${IDS[@]}"; do facade_curl "$BASE/v1/runs/$id" | jq -r .status; done | grep -c '^running$' || true) of $RUNS"

echo
echo "== upstream calls per vendor during the workload (sandbox stats after - before)"
printf '%-12s %6s %8s %10s %9s  %s\n' vendor runs calls calls/min expected by_route
for vb in "${VENDORS[@]}"; do
    v=${vb%% *}
    before=$(cat "$WORK/before.$v")
    after=$(cat "$WORK/after.$v")
    b=$(echo "$before" | jq .total)
    a=$(echo "$after" | jq .total)
    n=$(jq -r --arg v "$v" '[.data[] | select(.source == $v)] | length' "$WORK/running.json")
    routes=$(jq -nc --argjson b "$before" --argjson a "$after" \
        '$a.by_route | with_entries(.value -= ($b.by_route[.key] // 0)) | with_entries(select(.value > 0))')
    awk -v v="$v" -v n="$n" -v d=$((a - b)) -v e="$ELAPSED" -v p="$PERIOD_S" -v r="$routes" \
        'BEGIN { pm = d * 60 / e; printf "%-12s %6d %8d %10.1f %9d  %s  %s\n", v, n, d, pm, n * 60 / p, r,
                 (pm < 200 ? "under 200/min" : "OVER 200/min") }'
done
echo "(expected: runs of the vendor x 60 s / ${PERIOD_S} s cache lifetime of a running run, one refetch per expiry)"
