#include "api/source_metrics.hpp"

#include "api/list_answers.hpp"

namespace runhub::api {

void add_source_metrics(http::metrics_registry& m, std::shared_ptr<const source_set> sources,
                        std::shared_ptr<const cache::cache> c) {
    m.add_collector([sources, c](http::metrics_registry& r) {
        if (c) {
            auto s = c->metrics();
            r.get_counter("runhub_cache_hits_total", "Answers from a fresh cache entry")
                .set(s.hits);
            r.get_counter("runhub_cache_misses_total", "Lookups that needed the vendor")
                .set(s.misses);
            r.get_counter("runhub_cache_stale_serves_total",
                          "Expired entries served because the vendor failed")
                .set(s.stale_serves);
            r.get_counter("runhub_cache_coalesced_waits_total",
                          "Lookups that waited on an upstream call another had started")
                .set(s.coalesced_waits);
            r.get_counter("runhub_cache_upstream_fetches_total", "Upstream calls the cache made")
                .set(s.fetches);
            r.get_counter("runhub_cache_evictions_total", "Entries evicted to stay within bytes")
                .set(s.store.evictions);
            r.get_gauge("runhub_cache_bytes", "Bytes the cache holds (accounted)")
                .set(static_cast<std::int64_t>(s.store.bytes));
            r.get_gauge("runhub_cache_max_bytes", "The cache's bound in bytes")
                .set(static_cast<std::int64_t>(s.store.max_bytes));
            r.get_gauge("runhub_cache_entries", "Entries the cache holds")
                .set(static_cast<std::int64_t>(s.store.entries));
            if (s.store.redis) {
                r.get_counter("runhub_cache_redis_errors_total",
                              "Cache operations Redis did not serve (down, slow, error reply)")
                    .set(s.store.redis_errors);
                r.get_gauge("runhub_cache_redis_up", "1 while the shared Redis store answers")
                    .set(s.store.redis_up ? 1 : 0);
            }
        }
        for (const auto& src : sources->all) {
            const http::labels l{{"source", src.name()}};
            if (auto b = src.health->budget()) {
                r.get_counter("runhub_source_budget_waits_total",
                              "Upstream calls that waited for the source's budget", l)
                    .set(b->waits);
                r.get_counter("runhub_source_budget_refusals_total",
                              "Upstream calls not sent: no budget before their deadline", l)
                    .set(b->refusals);
            }
            auto h = src.health->health();
            r.get_gauge("runhub_source_circuit_open",
                        "1 while the source's circuit is open or half-open", l)
                .set(h.circuit == http::circuit_breaker::state::closed ? 0 : 1);
        }
    });
}

void add_answer_metrics(http::metrics_registry& m, std::shared_ptr<const list_answers> answers) {
    m.add_collector([answers](http::metrics_registry& r) {
        auto s = answers->stats();
        r.get_counter("runhub_list_answer_hits_total",
                      "GET /v1/runs answered from a finished answer kept in this process")
            .set(answers->hits());
        r.get_gauge("runhub_list_answer_bytes", "Bytes the kept list answers hold (accounted)")
            .set(static_cast<std::int64_t>(s.bytes));
        r.get_counter("runhub_list_answer_evictions_total",
                      "Kept list answers evicted to stay within bytes")
            .set(s.evictions);
    });
}

}  // namespace runhub::api
