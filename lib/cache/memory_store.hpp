#pragma once
// The embedded store: least-recently-used entries are evicted to keep the accounted bytes under
// a bound. Accounted per entry: the heap blocks of the key, the value and the ETag as the
// allocator hands them out (heap_bytes), plus entry_overhead, what the bookkeeping of one entry
// costs (list node, hash node, its share of the bucket array, the shared entry block). Checked
// by tests/bench/cache_memory_bench.cpp against the real heap growth (mallinfo2) from tiny to
// page-sized values: within 10% (tests/bench/README.md, "cache memory accounting").
//
// Thread-safe: one mutex; every operation under it is O(1) (a hash lookup and a list splice).
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/store.hpp"

namespace runhub::cache {

struct memory_store_options {
    std::size_t max_bytes = std::size_t(64) * 1024 * 1024;
    clock_fn now = system_now;
};

class memory_store final : public store {
  public:
    // Heap per entry besides the key, value and ETag blocks (x86-64, libstdc++, glibc):
    // list node 80 + hash node 48 + shared entry block 176 + bucket array ~16.
    static constexpr std::size_t entry_overhead = 320;

    explicit memory_store(memory_store_options options = {});

    boost::asio::awaitable<std::shared_ptr<const entry>> get(const cache_key& key) override;
    boost::asio::awaitable<void> put(const cache_key& key, std::shared_ptr<const entry> e) override;
    boost::asio::awaitable<void> erase(const cache_key& key) override;
    store_stats stats() const override;

    // The same, synchronous (the coroutine API calls these).
    std::shared_ptr<const entry> find(const cache_key& key);  // a hit makes it most recent
    void insert(const cache_key& key, std::shared_ptr<const entry> e);
    bool remove(const cache_key& key);

    // The bytes an entry is accounted for.
    static std::size_t charge(std::string_view key, const entry& e);
    // The heap a std::string of this capacity holds (0 when it fits inline).
    static std::size_t heap_bytes(std::size_t capacity);

    // Key texts, most recently used first (tests).
    std::vector<std::string> keys_by_recency() const;

  private:
    struct node {
        std::string key;
        std::shared_ptr<const entry> value;
        std::size_t charge = 0;
    };
    using lru_list = std::list<node>;

    void drop(lru_list::iterator it);  // under mu_

    memory_store_options options_;
    mutable std::mutex mu_;
    lru_list lru_;                                                    // front: most recently used
    std::unordered_map<std::string_view, lru_list::iterator> index_;  // views into node::key
    std::size_t bytes_ = 0;
    std::uint64_t evictions_ = 0;
    std::uint64_t expirations_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace runhub::cache
