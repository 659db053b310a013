# Sourced by the benchmarks that start `runhub serve --sandbox` (run.sh, ab_cold_list.sh): one
# server at a time, on ephemeral ports read back from its start-up log, loopback only, stopped by
# its PID. Needs WORK (a scratch directory), BIN (the runhub binary), SERVER_THREADS and
# LATENCY_MS; sets CA, SERVER_PID, PORT, BASE and VENDORS ("name https://127.0.0.1:port" each),
# and installs an EXIT trap that stops the server and removes WORK.

CA="$WORK/sandbox-ca.pem"
SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    [[ -n $SERVER_PID ]] && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ephemeral ports for the facade and the five vendors (0: the kernel picks free ones), read back
# from the start-up log. The access log goes to $WORK/access.log.
start_server() {  # CONFIG
    local log="$WORK/serve.log"
    # Emptied here, before the server starts: the redirection below truncates it only once the
    # forked shell gets to it, and the loop may read the previous server's log before that
    # (it then took the cold server's port for the warm one's, now and then).
    : >"$log"
    "$BIN" serve --config "$1" --sandbox --sandbox-port-base 0 --sandbox-ca-out "$CA" \
        --listen 127.0.0.1:0 --threads "$SERVER_THREADS" >"$WORK/access.log" 2>"$log" &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
        [[ -n $PORT ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    [[ -n $PORT ]] || { echo "the server did not start in 30 s" >&2; cat "$log" >&2; exit 1; }
    BASE="http://127.0.0.1:$PORT"
    mapfile -t VENDORS < <(sed -n 's/.*sandbox vendor \([a-z]*\) at \(https:\/\/127\.0\.0\.1:[0-9]*\) .*/\1 \2/p' "$log")
    [[ ${#VENDORS[@]} -eq 5 ]] || { echo "expected 5 sandbox vendors in the log" >&2; cat "$log" >&2; exit 1; }
}

vendor_curl() { timeout 10 curl -sS --fail --cacert "$CA" "$@"; }
reset_and_inject() {  # every vendor reset, then LATENCY_MS on each
    local v
    for v in "${VENDORS[@]}"; do
        vendor_curl -XPOST "${v#* }/_sandbox/reset" >/dev/null
        vendor_curl -XPOST -H 'Content-Type: application/json' \
            -d "{\"latency_ms\": $LATENCY_MS}" "${v#* }/_sandbox/faults" >/dev/null
    done
}
cpu_ticks() {  # user + system CPU of the server so far, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}
