#pragma once
// /metrics series of what the sources and the cache keep themselves: cache hits, misses, stale
// serves, coalesced waits, upstream fetches, evictions, bytes held; each source's budget waits
// and refusals and its circuit state. Copied in by a collector at every scrape.
#include <memory>

#include "api/runs_routes.hpp"
#include "cache/cache.hpp"
#include "http/metrics.hpp"

namespace runhub::api {

void add_source_metrics(http::metrics_registry& m, std::shared_ptr<const source_set> sources,
                        std::shared_ptr<const cache::cache> c);

class list_answers;
// The kept list answers (api/list_answers.hpp): hits, bytes held, evictions.
void add_answer_metrics(http::metrics_registry& m, std::shared_ptr<const list_answers> answers);

}  // namespace runhub::api
