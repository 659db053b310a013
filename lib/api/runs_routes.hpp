#pragma once
// The read API: GET /v1/runs, GET /v1/runs/{id}, GET /v1/runs/{id}/failures, GET /v1/sources.
// Handlers only translate HTTP to the aggregator and connectors and back; no vendor knowledge.
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "aggregate/cursor_codec.hpp"
#include "api/api_keys.hpp"
#include "connectors/common/monitored_connector.hpp"
#include "http/router.hpp"

namespace runhub::api {

// The configured sources, in configuration order. Immutable after start-up.
struct source_set {
    struct source {
        // What handlers call: the cache (when there is one) in front of `health`.
        std::shared_ptr<connectors::connector> call;
        // The circuit breaker and health record in front of the vendor's connector.
        std::shared_ptr<const connectors::monitored_connector> health;
        const std::string& name() const { return health->source().name; }
    };
    std::vector<source> all;

    std::shared_ptr<connectors::connector> find(std::string_view name) const;
    // The source named `name` if `who` may see it; nullptr otherwise, exactly as if it did not
    // exist.
    std::shared_ptr<connectors::connector> find_for(const principal& who,
                                                    std::string_view name) const;
};

class list_answers;

struct runs_api_options {
    std::chrono::milliseconds request_timeout{15'000};  // the whole answer's deadline
    std::chrono::milliseconds max_wait{120'000};        // the longest ?wait= allowed
    // Finished list answers kept while their pages are fresh (null: none kept).
    std::shared_ptr<list_answers> answers;
};

class run_watch;

// Every route needs a key of `keys` with runs:read, and shows only the sources it may see.
// `watch` serves GET /v1/runs/{id}?wait= (one poller per run, however many wait).
void add_runs_routes(http::router& r, std::shared_ptr<const source_set> sources,
                     std::shared_ptr<const aggregate::cursor_codec> codec,
                     std::shared_ptr<const key_store> keys, std::shared_ptr<run_watch> watch,
                     runs_api_options o);

// "30s", "1500ms", "2m" or plain seconds "30"; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_wait(std::string_view text);

}  // namespace runhub::api
