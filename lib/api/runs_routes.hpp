#pragma once
// The read API: GET /v1/runs, GET /v1/runs/{id}, GET /v1/runs/{id}/failures, GET /v1/sources.
// Handlers only translate HTTP to the aggregator and connectors and back; no vendor knowledge.
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "aggregate/cursor_codec.hpp"
#include "connectors/common/connector.hpp"
#include "http/router.hpp"

namespace runhub::api {

// The configured sources, in configuration order. Immutable after start-up.
struct source_set {
    std::vector<std::shared_ptr<connectors::connector>> all;
    std::shared_ptr<connectors::connector> find(std::string_view name) const;
};

struct runs_api_options {
    std::chrono::milliseconds request_timeout{15'000};  // the whole answer's deadline
};

void add_runs_routes(http::router& r, std::shared_ptr<const source_set> sources,
                     std::shared_ptr<const aggregate::cursor_codec> codec, runs_api_options o);

}  // namespace runhub::api
