#pragma once
// Finished GET /v1/runs answers, kept so that a repeated list costs a lookup instead of five
// cached pages read back, merged and written out again.
//
// Keyed by the caller (the API key's name: it decides which sources are seen, and a cursor is
// bound to it) and the request's query text as sent. An answer is kept only when every page it
// was merged from came fresh from the run cache (a hit, or fetched for it; no stale page, no
// failing source), and only until the first of those pages expires: it never outlives what it
// was built from, so it never says anything the run cache would not. Process-local and bounded
// in bytes (a memory_store of its own): an answer holds a cursor signed with this process's
// cursor key, which another replica may not share.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cache/entry.hpp"
#include "cache/memory_store.hpp"

namespace runhub::api {

class list_answers {
  public:
    explicit list_answers(std::size_t max_bytes, cache::clock_fn now = cache::system_now);

    // The answer kept for this caller and query while it is fresh, else null. Its `value` is
    // the body, `etag` the body's ETag, `age(now)` the age of the oldest page in it.
    std::shared_ptr<const cache::entry> find(std::string_view caller, std::string_view query);

    // Keeps `body` until `fresh_until`; `age` is the oldest page's age when it was built.
    void keep(std::string_view caller, std::string_view query, std::string body,
              cache::time_point fresh_until, std::chrono::seconds age);

    cache::time_point now() const { return now_(); }
    std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
    cache::store_stats stats() const { return store_.stats(); }

  private:
    cache::clock_fn now_;
    cache::memory_store store_;
    std::atomic<std::uint64_t> hits_{0};
};

}  // namespace runhub::api
