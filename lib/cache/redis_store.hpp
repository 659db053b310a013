#pragma once
// The store shared by replicas: entries in a Redis server, one key per cache key
// ("runhub:" + key.str()), set with PX = the time left until the entry's stale_until, so Redis
// drops it when no replica may serve it any more.
//
// The value is a compact binary blob (encode / decode):
//   "RHC1"                        magic and format version
//   stored_at, fresh_until,       wall-clock milliseconds since the Unix epoch, each a signed
//   stale_until                   64-bit big-endian integer (entries mean the same in every
//                                 process, entry.hpp)
//   one byte n, then n bytes      the ETag
//   the rest                      the value bytes
// What is read is untrusted (another replica's version, or anything a person SET): a blob that
// is not exactly this, whose instants are out of order, or whose ETag is not the ETag of its
// value, is a miss.
//
// Every operation waits at most its timeout (get_timeout, put_timeout); a Redis that is down,
// slow or answering errors makes an operation a miss (get) or a no-op (put, erase), counted in
// stats().redis_errors, never an exception. Meant to sit behind a memory store (tiered_store).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "cache/resp_connection.hpp"
#include "cache/store.hpp"

namespace runhub::cache {

struct redis_store_options {
    resp_options connection;
    std::string key_prefix = "runhub:";
    std::chrono::milliseconds get_timeout{50};
    std::chrono::milliseconds put_timeout{50};  // puts and erases
    clock_fn now = system_now;
};

class redis_store final : public store {
  public:
    redis_store(boost::asio::io_context& io, redis_store_options options);

    boost::asio::awaitable<std::shared_ptr<const entry>> get(const cache_key& key) override;
    boost::asio::awaitable<void> put(const cache_key& key, std::shared_ptr<const entry> e) override;
    boost::asio::awaitable<void> erase(const cache_key& key) override;
    // redis, redis_up and redis_errors; entries and bytes are not known here (0).
    store_stats stats() const override;

    bool up() const { return conn_.up(); }
    std::uint64_t malformed() const { return malformed_.load(); }  // values read that were a miss
    resp_connection& connection() { return conn_; }
    std::string redis_key(const cache_key& key) const { return options_.key_prefix + key.str(); }

    static std::string encode(const entry& e);
    // nullptr when `blob` is not a well-formed entry.
    static std::shared_ptr<const entry> decode(std::string_view blob);

  private:
    void count_error(std::string_view op, const resp_result& r);

    redis_store_options options_;
    resp_connection conn_;
    std::atomic<std::uint64_t> errors_{0};
    std::atomic<std::uint64_t> malformed_{0};
    std::atomic<bool> malformed_logged_{false};
};

}  // namespace runhub::cache
