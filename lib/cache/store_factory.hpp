#pragma once
// The store the configuration asks for: the memory store (backend "memory"), or the memory store
// in front of a Redis store shared by replicas (backend "redis", tiered_store).
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cache/store.hpp"
#include "config/config.hpp"

namespace runhub::cache {

// What is wrong with the settings a store could not be made from (nullopt: nothing), for
// `serve --check` (key cache.redis_url).
std::optional<std::string> check_store_settings(const config::cache_settings& s);

// The store; the Redis store starts connecting at once, in the background, on `io` (the store
// answers from memory until it is up). Throws std::invalid_argument when check_store_settings
// would object.
std::shared_ptr<store> make_store(const config::cache_settings& s, boost::asio::io_context& io);

}  // namespace runhub::cache
