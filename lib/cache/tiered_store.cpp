#include "cache/tiered_store.hpp"

namespace runhub::cache {
namespace asio = boost::asio;

tiered_store::tiered_store(std::shared_ptr<memory_store> memory, std::shared_ptr<redis_store> redis,
                           clock_fn now)
    : memory_(std::move(memory)),
      redis_(std::move(redis)),
      now_(now ? std::move(now) : system_now) {}

asio::awaitable<std::shared_ptr<const entry>> tiered_store::get(const cache_key& key) {
    std::shared_ptr<const entry> near = memory_->find(key);
    if (near && near->fresh(now_())) co_return near;
    auto ask = redis_->get(key);
    std::shared_ptr<const entry> far = co_await std::move(ask);
    if (far && (!near || far->fresh_until > near->fresh_until)) {
        memory_->insert(key, far);
        co_return far;
    }
    co_return near;
}

asio::awaitable<void> tiered_store::put(const cache_key& key, std::shared_ptr<const entry> e) {
    memory_->insert(key, e);
    auto shared = redis_->put(key, std::move(e));
    co_await std::move(shared);
}

asio::awaitable<void> tiered_store::erase(const cache_key& key) {
    memory_->remove(key);
    auto shared = redis_->erase(key);
    co_await std::move(shared);
}

store_stats tiered_store::stats() const {
    store_stats s = memory_->stats();
    store_stats r = redis_->stats();
    s.redis = r.redis;
    s.redis_up = r.redis_up;
    s.redis_errors = r.redis_errors;
    return s;
}

}  // namespace runhub::cache
