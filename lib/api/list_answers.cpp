#include "api/list_answers.hpp"

#include "cache/cache_key.hpp"

namespace runhub::api {

namespace {
cache::memory_store_options store_options(std::size_t max_bytes, cache::clock_fn now) {
    cache::memory_store_options o;
    o.max_bytes = max_bytes;
    o.now = std::move(now);
    return o;
}
}  // namespace

list_answers::list_answers(std::size_t max_bytes, cache::clock_fn now)
    : now_(now ? std::move(now) : cache::clock_fn(cache::system_now)),
      store_(store_options(max_bytes, now_)) {}

std::shared_ptr<const cache::entry> list_answers::find(std::string_view caller,
                                                       std::string_view query) {
    auto e = store_.find(cache::cache_key::for_answer(caller, query));
    if (!e || !e->fresh(now_())) return nullptr;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return e;
}

void list_answers::keep(std::string_view caller, std::string_view query, std::string body,
                        cache::time_point fresh_until, std::chrono::seconds age) {
    const auto now = now_();
    if (fresh_until <= now) return;
    // Stored as of when its oldest page was fetched, so that entry::age is the answer's Age;
    // never servable past its freshness.
    const auto built_from = now - age;
    auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(fresh_until - built_from);
    store_.insert(
        cache::cache_key::for_answer(caller, query),
        cache::make_entry(std::move(body), built_from, ttl, std::chrono::milliseconds(0)));
}

}  // namespace runhub::api
