#!/usr/bin/env bash
# Issue 5, point 10: cached GET /v1/runs/{id} and cached GET /v1/runs?limit=50 of
# `runhub serve --sandbox --threads 1` side by side with nginx (1 worker) serving the same JSON
# bodies as static files, both with access logging on (to a file), with wrk on 127.0.0.1 only.
# nginx is measured twice: as configured by default (one write(2) of the access log per request,
# the file opened per request) and tuned (`access_log ... buffer=64k flush=200ms`, the policy
# runhub's own access log follows; `open_file_cache`; `sendfile on`).
# Builds nothing: give it a release binary.
#
#   tests/bench/cached_vs_nginx.sh [RUNHUB_BINARY]
#   env: DURATION (15s), CONNECTIONS (64), WRK_THREADS (1), ROUNDS (2), NGINX (/usr/sbin/nginx)
#
# runhub runs with `--config` {"cache": {"list_page_ttl_ms": 3600000}} so that the list pages
# stay cached for the whole run (shipped: 5 s); terminal runs are cached 1 h as shipped. Both
# routes are warmed first and each exact answer body is saved to a file that nginx serves
# (`default_type application/json`, `access_log` to a file, `keepalive_requests` 1000000 so that
# wrk's connections are never closed by nginx either). Per route, ROUNDS times: runhub, then
# nginx, each `wrk -tWRK_THREADS -cCONNECTIONS -dDURATION --latency`. Prints per run req/s, p50,
# p90, p99, the server's CPU per request (user + system from /proc/PID/stat; for nginx its
# worker) and per round the ratio runhub / nginx of req/s. Nothing is pinned: wrk, runhub (with
# its five in-process emulators, idle here) and nginx share the machine's cores. Stops only what
# it started, by PID; every step has a timeout.
set -euo pipefail

BIN=${1:-build/release/service/runhub}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
ROUNDS=${ROUNDS:-2}
NGINX=${NGINX:-/usr/sbin/nginx}
HERE=$(cd "$(dirname "$0")" && pwd)

[[ -x $BIN ]] || { echo "no runhub binary at $BIN" >&2; exit 2; }
[[ -x $NGINX ]] || { echo "no nginx at $NGINX" >&2; exit 2; }
for tool in wrk curl jq timeout; do
    command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/runhub-vs-nginx.XXXXXX")
SERVER_PID=
NGINX_PID=
stop_pid() {  # PID
    local pid=$1
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$NGINX_PID"; stop_pid "$SERVER_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export RUNHUB_API_KEY="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
AUTH="Authorization: Bearer $RUNHUB_API_KEY"
echo '{"cache": {"list_page_ttl_ms": 3600000}}' >"$WORK/runhub.json"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runhub: $BIN ($("$BIN" --version 2>/dev/null | head -1 || true))"
echo "nginx: $("$NGINX" -v 2>&1)"
echo "wrk: $(wrk -v 2>&1 | head -1)"

# --- runhub: free ports (0) read back from its start-up log; access log (stdout) to a file.
"$BIN" serve --config "$WORK/runhub.json" --sandbox --sandbox-port-base 0 \
    --sandbox-ca-out "$WORK/ca.pem" --listen 127.0.0.1:0 --threads 1 \
    >"$WORK/runhub-access.log" 2>"$WORK/runhub.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 300); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/runhub.log" | head -1)
    [[ -n $PORT ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/runhub.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n $PORT ]] || { echo "runhub did not start in 30 s" >&2; cat "$WORK/runhub.log" >&2; exit 1; }
RUNHUB="http://127.0.0.1:$PORT"
facade_curl() { timeout 30 curl -sS --fail -H "$AUTH" "$@"; }

# A terminal run (cached 1 h) and the list page; warm both, then save the exact bodies.
ID=$(facade_curl "$RUNHUB/v1/runs?status=passed&limit=1" | jq -r '.data[0].id')
[[ -n $ID && $ID != null ]] || { echo "no passed run from GET /v1/runs" >&2; exit 1; }
GET_PATH="/v1/runs/$ID"
LIST_PATH="/v1/runs?limit=50"
for _ in 1 2 3; do
    facade_curl -o /dev/null "$RUNHUB$GET_PATH"
    facade_curl -o /dev/null "$RUNHUB$LIST_PATH"
done
mkdir -p "$WORK/www"
facade_curl -D "$WORK/get.headers" -o "$WORK/www/run.json" "$RUNHUB$GET_PATH"
facade_curl -D "$WORK/list.headers" -o "$WORK/www/list.json" "$RUNHUB$LIST_PATH"
facade_curl -o "$WORK/list2.json" "$RUNHUB$LIST_PATH"
cmp -s "$WORK/www/list.json" "$WORK/list2.json" || echo "note: two list answers differ" >&2
echo "run id: $ID"
echo "bodies: get $(wc -c <"$WORK/www/run.json") B, list $(wc -c <"$WORK/www/list.json") B"
echo "runhub get headers: $(grep -i '^cache-status' "$WORK/get.headers" | tr -d '\r')"

# --- nginx, 1 worker, the two bodies at the same paths (the query string is ignored).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}
NPORT=$(free_port)
BPORT=$(free_port)
while [[ $BPORT == "$NPORT" ]]; do BPORT=$(free_port); done
mkdir -p "$WORK/nginx/logs"
# As root nginx would run its worker as nobody, which cannot read the mktemp (0700) directory.
USER_LINE=
[[ $(id -u) -eq 0 ]] && USER_LINE="user root;"
cat >"$WORK/nginx/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/logs/access.log;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        default_type application/json;
        location = /v1/runs { alias $WORK/www/list.json; }
        location = $GET_PATH { alias $WORK/www/run.json; }
    }
    # The same, tuned: the access log buffered as runhub buffers its own (64 KiB, flushed within
    # 200 ms; nginx's default above is one write(2) per request), the files' descriptors kept
    # open (no open/fstat/close per request) and sent with sendfile(2).
    server {
        listen 127.0.0.1:$BPORT;
        access_log $WORK/nginx/logs/access-buffered.log combined buffer=64k flush=200ms;
        open_file_cache max=16 inactive=1h;
        open_file_cache_valid 1h;
        sendfile on;
        default_type application/json;
        location = /v1/runs { alias $WORK/www/list.json; }
        location = $GET_PATH { alias $WORK/www/run.json; }
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" \
    >"$WORK/nginx/stdout" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NPORT"
NGINXB_URL="http://127.0.0.1:$BPORT"
for _ in $(seq 1 100); do
    timeout 2 curl -sf -o /dev/null "$NGINX_URL$GET_PATH" 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$WORK/nginx/stdout" "$WORK/nginx/logs/error.log" >&2; exit 1; }
    sleep 0.1
done
timeout 2 curl -sf -o /dev/null "$NGINX_URL$GET_PATH" || { echo "nginx does not answer" >&2; cat "$WORK/nginx/stdout" "$WORK/nginx/logs/error.log" >&2; exit 1; }
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
[[ -n $NGINX_WORKER ]] || { echo "no nginx worker" >&2; exit 1; }
timeout 5 curl -sf "$NGINX_URL$GET_PATH" | cmp -s - "$WORK/www/run.json" || { echo "nginx get body differs" >&2; exit 1; }
timeout 5 curl -sf "$NGINX_URL$LIST_PATH" | cmp -s - "$WORK/www/list.json" || { echo "nginx list body differs" >&2; exit 1; }
timeout 5 curl -sf "$NGINXB_URL$GET_PATH" | cmp -s - "$WORK/www/run.json" || { echo "nginx (tuned) get body differs" >&2; exit 1; }
timeout 5 curl -sf "$NGINXB_URL$LIST_PATH" | cmp -s - "$WORK/www/list.json" || { echo "nginx (tuned) list body differs" >&2; exit 1; }
echo "runhub: $RUNHUB (pid $SERVER_PID, 1 thread), nginx: $NGINX_URL and, tuned, $NGINXB_URL (master $NGINX_PID, worker $NGINX_WORKER)"

cat >"$WORK/wrk.lua" <<'EOF'
local key = os.getenv("BENCH_AUTH")
if key and key ~= "" then wrk.headers["Authorization"] = key end
wrk.headers["Accept"] = "application/json"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT req_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f requests=%d socket_errors=%d errors_4xx_5xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
declare -A RPS
run_wrk() {  # LABEL URL PID AUTH
    local label=$1 url=$2 pid=$3 auth=$4 out result c0 c1 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    c0=$(cpu_ticks "$pid")
    out=$(BENCH_AUTH="$auth" timeout 120 wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" \
        --latency -s "$WORK/wrk.lua" "$url")
    c1=$(cpu_ticks "$pid")
    result=$(echo "$out" | grep '^RESULT')
    local req rps
    req=$(echo "$result" | field requests)
    rps=$(echo "$result" | field req_per_s)
    RPS[$label]=$rps
    [[ $(echo "$result" | field errors_4xx_5xx) == 0 && $(echo "$result" | field socket_errors) == 0 ]] ||
        echo "WARNING: $label had errors: $result" >&2
    awk -v l="$label" -v r="$result" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$req" -v ld="$load" \
        'BEGIN { printf "%-22s %s cpu_per_req_us=%.1f load1=%s\n", l, r, 1e6 * t / hz / n, ld }'
}

echo
echo "== wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS round(s), runhub, nginx, nginx-tuned"
for route in get list; do
    if [[ $route == get ]]; then path=$GET_PATH; else path=$LIST_PATH; fi
    echo
    echo "-- $route: GET $path"
    for r in $(seq 1 "$ROUNDS"); do
        run_wrk "runhub $route #$r" "$RUNHUB$path" "$SERVER_PID" "Bearer $RUNHUB_API_KEY"
        run_wrk "nginx $route #$r" "$NGINX_URL$path" "$NGINX_WORKER" ""
        run_wrk "nginx-tuned $route #$r" "$NGINXB_URL$path" "$NGINX_WORKER" ""
        awk -v a="${RPS[runhub $route #$r]}" -v b="${RPS[nginx $route #$r]}" \
            -v c="${RPS[nginx-tuned $route #$r]}" -v l="$route #$r" \
            'BEGIN { printf "RATIO %s runhub/nginx req/s = %.3f, runhub/nginx-tuned req/s = %.3f\n", l, a / b, a / c }'
    done
done

echo
echo "access log lines: runhub $(wc -l <"$WORK/runhub-access.log"), nginx $(wc -l <"$WORK/nginx/logs/access.log"), nginx-tuned $(wc -l <"$WORK/nginx/logs/access-buffered.log")"
echo "runhub access log line: $(tail -1 "$WORK/runhub-access.log")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
