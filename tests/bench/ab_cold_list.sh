#!/usr/bin/env bash
# Compares runhub binaries on the cold merged page (GET /v1/runs?limit=50, every request a query
# of its own, 20 ms injected on every vendor) in alternated short runs, a fresh server each:
# on a VM whose speed drifts by ±15% within minutes, one long run of each binary after the other
# ranks them by the drift, not by the code. Builds nothing; loopback only; stops only the servers
# it started, by PID; every step is bounded in time.
#
#   tests/bench/ab_cold_list.sh BINARY_A BINARY_B [BINARY_C ...]
#   env: ROUNDS (6), DURATION (5s), CONNECTIONS (16), SERVER_THREADS (2), LATENCY_MS (20)
#
# Prints each run's RESULT line with the server's CPU per request (user + system from
# /proc/PID/stat, emulators included), then per binary the medians of req/s, p50 and CPU per
# request, and in how many rounds each binary used the least CPU per request.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,13p' "$0" >&2; exit 2; }
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_THREADS=${SERVER_THREADS:-2}
LATENCY_MS=${LATENCY_MS:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
for bin in "$@"; do [[ -x $bin ]] || { echo "not an executable: $bin" >&2; exit 2; }; done
for tool in wrk curl timeout awk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (deploy/install-deps.sh)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/runhub-ab.XXXXXX")
# shellcheck source=tests/bench/sandbox_server.sh
source "$HERE/sandbox_server.sh"

export RUNHUB_API_KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
echo '{"cache": {"terminal_run_ttl_ms": 0, "active_run_ttl_ms": 0, "list_page_ttl_ms": 0}}' \
    >"$WORK/cold.json"

echo "nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$ROUNDS rounds of wrk -t2 -c$CONNECTIONS -d$DURATION, $LATENCY_MS ms on every vendor, $SERVER_THREADS server threads"
: >"$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
    for bin in "$@"; do
        BIN=$bin
        start_server "$WORK/cold.json"
        reset_and_inject
        before=$(cpu_ticks)
        result=$(RUNHUB_BENCH_UNIQUE=1 timeout 120 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" \
            --latency -s "$HERE/runs_list.lua" "$BASE/v1/runs?limit=50" |
            grep '^RESULT')
        after=$(cpu_ticks)
        stop_server
        requests=$(echo "$result" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
        cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="${requests:-0}" \
            'BEGIN { if (r > 0) printf "%.2f", 1000 * t / hz / r; else print "nan" }')
        echo "round $round $bin $result cpu_ms_per_req=$cpu"
        echo "$round $bin $result cpu_ms_per_req=$cpu" >>"$WORK/results"
    done
done

echo
echo "medians over $ROUNDS rounds (and rounds with the least CPU per request):"
awk '
    function median(list,    n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
            t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
        }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
        bin = $2
        for (i = 3; i <= NF; i++) {
            split($i, kv, "=")
            if (kv[1] == "req_per_s") rps[bin] = rps[bin] " " kv[2]
            if (kv[1] == "p50_ms") p50[bin] = p50[bin] " " kv[2]
            if (kv[1] == "cpu_ms_per_req") {
                cpu[bin] = cpu[bin] " " kv[2]
                if (!($1 in best) || kv[2] + 0 < best[$1] + 0) { best[$1] = kv[2]; who[$1] = bin }
            }
        }
        if (!(bin in seen)) { seen[bin] = 1; order[++bins] = bin }
    }
    END {
        for (r in who) wins[who[r]]++
        for (k = 1; k <= bins; k++) {
            b = order[k]
            printf "%s: req/s %.1f, p50 %.2f ms, CPU %.2f ms per request, least CPU in %d\n",
                b, median(rps[b]), median(p50[b]), median(cpu[b]), wins[b] + 0
        }
    }' "$WORK/results"
