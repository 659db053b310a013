#pragma once
// The interface every store implements: the memory store (the embedded default), the Redis
// store shared by replicas, and the two in tiers (tiered_store). Coroutine-based so that a
// store speaking to a server over Asio can implement it as it is; the memory store completes
// at once.
//
// A store holds entries until their stale_until and hands out shared immutable entries: a hit
// copies no bytes. Implementations are safe to call from several threads at once.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>

#include "cache/cache_key.hpp"
#include "cache/entry.hpp"

namespace runhub::cache {

struct store_stats {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;        // accounted bytes held (see memory_store::charge)
    std::uint64_t max_bytes = 0;    // the bound (0: none)
    std::uint64_t evictions = 0;    // entries dropped to stay within max_bytes
    std::uint64_t expirations = 0;  // entries dropped past their stale_until
    std::uint64_t rejected = 0;     // puts of entries larger than max_bytes on their own
    // A shared Redis store behind the memory one (tiered_store); all zero without one.
    bool redis = false;              // configured
    bool redis_up = false;           // connected and answering
    std::uint64_t redis_errors = 0;  // operations Redis did not serve (down, slow, error reply)
};

class store {
  public:
    virtual ~store() = default;

    // The entry under `key` while it may still be served (now < stale_until), else nullptr.
    // `key` must stay alive until the returned awaitable completes.
    virtual boost::asio::awaitable<std::shared_ptr<const entry>> get(const cache_key& key) = 0;
    // Stores (or replaces) the entry under `key`.
    virtual boost::asio::awaitable<void> put(const cache_key& key,
                                             std::shared_ptr<const entry> e) = 0;
    virtual boost::asio::awaitable<void> erase(const cache_key& key) = 0;

    virtual store_stats stats() const = 0;
};

}  // namespace runhub::cache
