-- wrk script: GET /v1/runs?limit=50 (the URL given to wrk names path and query) with the API
-- key from RUNHUB_API_KEY. With RUNHUB_BENCH_UNIQUE=1 every request adds its own `since` (in
-- 2000, so it filters nothing out), so that no two requests share a cache entry or an upstream
-- call: each one costs the whole fan-out. Prints one machine-readable RESULT line at the end.
local key = os.getenv("RUNHUB_API_KEY") or ""
local unique = os.getenv("RUNHUB_BENCH_UNIQUE") == "1"
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Accept"] = "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
function request()
  if not unique then return wrk.format() end
  counter = counter + 1
  local ms = (tid or 0) * 100000000 + counter
  local since = os.date("!%Y-%m-%dT%H:%M:%S", 946684800 + math.floor(ms / 1000))
    .. string.format(".%03dZ", ms % 1000)
  return wrk.format(nil, wrk.path .. "&since=" .. since)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT req_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f requests=%d socket_errors=%d errors_4xx_5xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
