#include "cache/memory_store.hpp"

namespace runhub::cache {
namespace asio = boost::asio;

memory_store::memory_store(memory_store_options options) : options_(std::move(options)) {
    if (!options_.now) options_.now = system_now;
}

std::size_t memory_store::heap_bytes(std::size_t capacity) {
    constexpr std::size_t inline_capacity = 15;  // libstdc++'s short-string buffer
    if (capacity <= inline_capacity) return 0;
    // glibc malloc: the request plus an 8-byte header, in 16-byte steps, 32 at least.
    std::size_t chunk = (capacity + 1 + 8 + 15) / 16 * 16;
    return chunk < 32 ? 32 : chunk;
}

std::size_t memory_store::charge(std::string_view key, const entry& e) {
    return heap_bytes(key.size()) + heap_bytes(e.value.capacity()) + heap_bytes(e.etag.capacity()) +
           heap_bytes(e.variant.capacity()) + heap_bytes(e.variant_etag.capacity()) +
           entry_overhead;
}

asio::awaitable<std::shared_ptr<const entry>> memory_store::get(const cache_key& key) {
    co_return find(key);
}

asio::awaitable<void> memory_store::put(const cache_key& key, std::shared_ptr<const entry> e) {
    insert(key, std::move(e));
    co_return;
}

asio::awaitable<void> memory_store::erase(const cache_key& key) {
    remove(key);
    co_return;
}

void memory_store::drop(lru_list::iterator it) {
    index_.erase(std::string_view(it->key));
    bytes_ -= it->charge;
    lru_.erase(it);
}

std::shared_ptr<const entry> memory_store::find(const cache_key& key) {
    auto now = options_.now();
    std::shared_ptr<const entry> out;
    std::lock_guard lock(mu_);
    auto found = index_.find(std::string_view(key.str()));
    if (found == index_.end()) return out;
    auto it = found->second;
    if (!it->value->servable_stale(now)) {
        drop(it);
        ++expirations_;
        return out;
    }
    lru_.splice(lru_.begin(), lru_, it);
    out = it->value;
    return out;
}

void memory_store::insert(const cache_key& key, std::shared_ptr<const entry> e) {
    if (!e) return;
    std::size_t c = charge(key.str(), *e);
    // The old entry goes whatever happens next: the new one supersedes it. Evicted entries are
    // destroyed after the lock is released (a value may be large; readers need not wait).
    std::vector<std::shared_ptr<const entry>> graveyard;
    std::lock_guard lock(mu_);
    if (auto found = index_.find(std::string_view(key.str())); found != index_.end()) {
        graveyard.push_back(std::move(found->second->value));
        drop(found->second);
    }
    if (c > options_.max_bytes) {
        ++rejected_;
        return;
    }
    while (bytes_ + c > options_.max_bytes && !lru_.empty()) {
        auto last = std::prev(lru_.end());
        graveyard.push_back(std::move(last->value));
        drop(last);
        ++evictions_;
    }
    lru_.push_front(node{key.str(), std::move(e), c});
    index_.emplace(std::string_view(lru_.front().key), lru_.begin());
    bytes_ += c;
}

bool memory_store::remove(const cache_key& key) {
    std::shared_ptr<const entry> doomed;
    std::lock_guard lock(mu_);
    auto found = index_.find(std::string_view(key.str()));
    if (found == index_.end()) return false;
    doomed = std::move(found->second->value);
    drop(found->second);
    return true;
}

store_stats memory_store::stats() const {
    std::lock_guard lock(mu_);
    store_stats s;
    s.entries = lru_.size();
    s.bytes = bytes_;
    s.max_bytes = options_.max_bytes;
    s.evictions = evictions_;
    s.expirations = expirations_;
    s.rejected = rejected_;
    return s;
}

std::vector<std::string> memory_store::keys_by_recency() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    out.reserve(lru_.size());
    for (const auto& n : lru_) out.push_back(n.key);
    return out;
}

}  // namespace runhub::cache
