#pragma once
// Zof's wire format: the run object, list envelope, logs and artifacts lists, error object and
// the 429 answer. Timestamps are ISO 8601 UTC without fraction ("2026-05-20T12:00:00Z").
#include <boost/json/fwd.hpp>

#include "http/response.hpp"
#include "sandbox/core/emulator.hpp"
#include "sandbox/zof/zof_details.hpp"
#include "sandbox/zof/zof_error.hpp"
#include "sandbox/zof/zof_query.hpp"

namespace runhub::sandbox::zof {

// The run object. `r.status`/`started_at`/`completed_at` must be the current state. With
// `with_cases` (GET /v1/runs/{id}) the case outcomes are included as `cases`.
boost::json::object run_json(const run_record& r, const dataset& d, bool with_cases);

// {"data": [...], "has_more": bool, "next_cursor": "run_…" | null}
std::string list_body(const page& p, const dataset& d);
std::string logs_body(const run_record& r, const std::vector<log_line>& lines);
std::string artifacts_body(const run_record& r, const std::vector<artifact>& items);

// {"error": {"code", "message", "param"?}} with the error's status.
http::response error_response(const api_error& e);
// 429 with X-RateLimit-Limit/-Remaining/-Reset (Unix time) and Retry-After (seconds).
http::response rate_limited_response(const rate_limit_state& s);
http::response server_error_response();

}  // namespace runhub::sandbox::zof
