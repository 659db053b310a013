-- wrk script: GET /v1/runs/{id} with the API key from RUNHUB_API_KEY. The URL given to wrk names
-- one run; with RUNHUB_BENCH_IDS=FILE (one run id a line) the requests go round those runs
-- instead, each thread from its own place, so that concurrent requests rarely share an upstream
-- call. Prints one machine-readable RESULT line at the end.
local key = os.getenv("RUNHUB_API_KEY") or ""
local ids_file = os.getenv("RUNHUB_BENCH_IDS")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Accept"] = "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local ids = {}
function init(args)
  if ids_file then
    for line in io.lines(ids_file) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
end

local counter = 0
function request()
  if #ids == 0 then return wrk.format() end
  counter = counter + 1
  local i = ((tid or 0) * 7919 + counter) % #ids + 1
  return wrk.format(nil, "/v1/runs/" .. ids[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT req_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f requests=%d socket_errors=%d errors_4xx_5xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
