#pragma once
// Two levels: this process's memory store in front of the Redis store the replicas share.
//
//   get    memory, if fresh there; else Redis (a Redis entry fresher than the memory one is
//          copied into memory and returned); else what memory had (stale or nothing)
//   put    memory, then Redis
//   erase  memory, then Redis
//
// Redis down, slow or answering errors: the Redis half is skipped or cut at its timeout
// (redis_store), so every operation goes on from memory alone; nothing is thrown.
//
// Another replica's writes reach this one through Redis once this one's memory copy is no
// longer fresh (a fresh memory entry is answered without asking Redis); an erase on another
// replica likewise (its memory copy may be served until then).
#include <memory>

#include "cache/memory_store.hpp"
#include "cache/redis_store.hpp"

namespace runhub::cache {

class tiered_store final : public store {
  public:
    tiered_store(std::shared_ptr<memory_store> memory, std::shared_ptr<redis_store> redis,
                 clock_fn now = system_now);

    boost::asio::awaitable<std::shared_ptr<const entry>> get(const cache_key& key) override;
    boost::asio::awaitable<void> put(const cache_key& key, std::shared_ptr<const entry> e) override;
    boost::asio::awaitable<void> erase(const cache_key& key) override;
    // The memory store's, with the Redis store's redis, redis_up and redis_errors.
    store_stats stats() const override;

    memory_store& memory() { return *memory_; }
    redis_store& redis() { return *redis_; }

  private:
    std::shared_ptr<memory_store> memory_;
    std::shared_ptr<redis_store> redis_;
    clock_fn now_;
};

}  // namespace runhub::cache
