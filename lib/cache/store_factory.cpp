#include "cache/store_factory.hpp"

#include <stdexcept>

#include "cache/memory_store.hpp"
#include "cache/redis_store.hpp"
#include "cache/tiered_store.hpp"

namespace runhub::cache {

std::optional<std::string> check_store_settings(const config::cache_settings& s) {
    if (s.backend != "redis") return std::nullopt;
    std::string why;
    if (!parse_redis_url(s.redis_url, &why)) return why;
    return std::nullopt;
}

std::shared_ptr<store> make_store(const config::cache_settings& s, boost::asio::io_context& io) {
    memory_store_options mso;
    mso.max_bytes = s.max_bytes;
    auto memory = std::make_shared<memory_store>(mso);
    if (s.backend != "redis") return memory;
    std::string why;
    auto endpoint = parse_redis_url(s.redis_url, &why);
    if (!endpoint) throw std::invalid_argument("cache.redis_url " + why);
    redis_store_options rso;
    rso.connection.endpoint = std::move(*endpoint);
    auto redis = std::make_shared<redis_store>(io, std::move(rso));
    return std::make_shared<tiered_store>(std::move(memory), std::move(redis));
}

}  // namespace runhub::cache
