#pragma once
// What runhub answers, as the gate reads it: a run, its failures, an error's one-line description.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"

namespace runhub::service::ci_gate {

struct counts_view {
    long long total = 0, passed = 0, failed = 0, skipped = 0, untested = 0;
};

struct run_view {
    std::string id, status, source, web_url;
    bool terminal = false;
    std::optional<counts_view> counts;
    std::optional<long long> duration_ms;
};

struct failure_view {
    std::string name, message, suite, location, web_url;
    std::optional<long long> duration_ms;
};

// A run of GET /v1/runs/{id} or POST /v1/runs; nullopt when the body is not one.
std::optional<run_view> run_of(std::string_view body);
// The failures of GET /v1/runs/{id}/failures; nullopt when the body is not that.
std::optional<std::vector<failure_view>> failures_of(std::string_view body);
// "HTTP 400 invalid_body: target.project_id is required (field target.project_id)", or the
// transport failure when there was no answer.
std::string describe(const http::client_result& r);
// " (7/9 passed, 2 failed)", or "" without counts.
std::string counts_text(const run_view& r);
// Percent-encodes a run id for a path segment (':' kept, as runhub's ids carry it).
std::string encode(std::string_view s);

}  // namespace runhub::service::ci_gate
