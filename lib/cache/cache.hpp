#pragma once
// The cache front: a store, the TTL policy and request coalescing.
//
//   fresh entry                      -> hit, no upstream call
//   no entry, or an expired one      -> one upstream call per key at a time: the first caller
//                                       starts it (the flight), every identical ask while it
//                                       runs waits for the same answer (a coalesced wait)
//   upstream answers                 -> stored, every waiter gets it (miss)
//   upstream fails, entry still      -> that entry, marked stale, with its age and the failure
//     within its stale window           (only when the vendor failed: may_serve_stale; an
//                                       answer "not found" also erases the entry)
//   upstream fails, nothing to serve -> the failure, to every waiter; the next get tries again
//
// The flight runs on its own (co_spawn'ed on the first caller's executor, not bound to any
// caller's cancellation): a caller that is cancelled or whose deadline passes leaves alone,
// the others keep waiting, and the upstream call is never cancelled because one caller left.
// Its answer is stored even when every caller has gone. The upstream call is bounded by the
// deadline the fetch function was made with (the first caller's).
//
// Thread-safe: get() may run concurrently on any executors (the facade's io threads).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cache/cache_key.hpp"
#include "cache/entry.hpp"
#include "cache/store.hpp"
#include "cache/ttl_policy.hpp"
#include "connectors/common/connector.hpp"

namespace runhub::cache {

// What an upstream call hands the cache: the bytes to store and how long they are fresh
// (e.g. policy().run_ttl(source, run) for a run).
struct fill {
    std::string value;
    milliseconds ttl{0};
    std::string variant;  // optional second form (entry::variant)
    bool tagged = true;   // whether the entry gets its ETag (make_entry)
    // The value as the fetch had it before serializing it (e.g. a parsed page), handed to the
    // callers waiting on this flight so that they need not parse `value` back; not stored.
    std::shared_ptr<const void> decoded;
};
using fetch_outcome = connectors::outcome<fill>;
// Makes the upstream call. Called at most once per get(), and only by the caller that starts
// the flight; kept alive until its awaitable completes. It should catch nothing: an exception
// is turned into a connector_error of kind network for every waiter.
using fetch_fn = std::function<boost::asio::awaitable<fetch_outcome>()>;

// Whether a failure lets an expired entry be served in place of the answer: yes when the
// vendor failed (5xx, 429, timeout, network, TLS, malformed, circuit open); no when it answered
// that the thing does not exist, cannot be done, or was asked wrongly (4xx).
bool may_serve_stale(const connectors::connector_error& e);

enum class lookup_status {
    hit,     // fresh entry from the store
    miss,    // fetched from upstream now (by this caller or the flight it waited on)
    stale,   // upstream failed (or the deadline passed): an expired entry within its window
    failed,  // upstream failed and nothing could be served: `error` says why
};
std::string_view to_string(lookup_status s);

struct lookup {
    lookup_status status = lookup_status::failed;
    std::shared_ptr<const entry> value;                // set unless failed
    std::chrono::seconds age{0};                       // of the value, for Age / Cache-Status
    std::optional<connectors::connector_error> error;  // failed: why; stale: what made it stale
    bool coalesced = false;                            // waited on a flight another caller started
    // miss: the fetch's own decoded value (fill::decoded), when it kept one
    std::shared_ptr<const void> decoded;
    bool ok() const { return value != nullptr; }
};

// Counters for /metrics; monotonic except the store's bytes and entries.
struct cache_metrics {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;  // gets that needed upstream (coalesced ones included)
    std::uint64_t stale_serves = 0;
    std::uint64_t coalesced_waits = 0;  // gets that joined a flight already running
    std::uint64_t fetches = 0;          // upstream calls made
    std::uint64_t fetch_failures = 0;
    store_stats store;  // bytes held, entries, evictions, expirations
};

struct cache_options {
    ttl_policy ttl;
    clock_fn now = system_now;
};

class cache {
  public:
    cache(std::shared_ptr<store> backing, cache_options options = {});
    ~cache();
    cache(const cache&) = delete;
    cache& operator=(const cache&) = delete;

    // The value under `key`: from the store when fresh, else from `fetch` (coalesced). Waits
    // at most until `deadline` for a flight (then: stale if it can, else a timeout failure).
    // `prefer_stale` (the source's budget is spent: a call would wait for it): an expired entry
    // still within its stale window is answered at once, marked stale (kind throttled), while
    // a flight refreshes it in the background.
    // Throws boost::system::system_error (operation_aborted) when the caller is cancelled.
    boost::asio::awaitable<lookup> get(
        cache_key key, fetch_fn fetch,
        connectors::clock::time_point deadline = connectors::clock::time_point::max(),
        bool prefer_stale = false);

    // Stores `bytes` under `key`, fresh for `ttl`, as a fetch answering them would (e.g. a run
    // a webhook reported).
    boost::asio::awaitable<void> put(cache_key key, std::string bytes, milliseconds ttl);

    // The entry under `key` whatever its age (null when there is none); counts nothing.
    boost::asio::awaitable<std::shared_ptr<const entry>> peek(cache_key key);

    // Drops the entry (e.g. after a write through runhub).
    boost::asio::awaitable<void> invalidate(cache_key key);

    const ttl_policy& policy() const;
    cache_metrics metrics() const;

    struct state;  // shared with running flights

  private:
    std::shared_ptr<state> state_;
};

}  // namespace runhub::cache
