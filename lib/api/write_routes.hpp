#pragma once
// The write path: POST /v1/runs (start a run on a source, honouring Idempotency-Key for every
// vendor) and POST /v1/runs/{id}/cancel. Both need the runs:write scope.
#include <chrono>
#include <memory>

#include "api/api_keys.hpp"
#include "api/runs_routes.hpp"
#include "cache/cache.hpp"
#include "http/router.hpp"

namespace runhub::api {

struct write_api_options {
    std::chrono::milliseconds request_timeout{15'000};
    std::chrono::milliseconds idempotency_ttl{24 * 3'600'000};  // how long a key is remembered
};

// `idempotency` keeps each key's first answer (the run-state cache: Redis when configured, so
// replicas agree).
void add_write_routes(http::router& r, std::shared_ptr<const source_set> sources,
                      std::shared_ptr<const key_store> keys,
                      std::shared_ptr<cache::cache> idempotency, write_api_options o);

// The canonical text of a JSON value (object members sorted by name, recursively): two bodies
// that mean the same are the same text.
std::string canonical_json(const boost::json::value& v);

}  // namespace runhub::api
