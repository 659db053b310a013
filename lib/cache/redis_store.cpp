#include "cache/redis_store.hpp"

#include <spdlog/spdlog.h>

#include <cstring>

namespace runhub::cache {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view magic = "RHC1";
constexpr std::size_t header_size = 4 + 3 * 8 + 1;
constexpr std::size_t max_etag = 64;

std::int64_t to_ms(time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
time_point from_ms(std::int64_t ms) {
    return time_point(std::chrono::duration_cast<time_point::duration>(milliseconds(ms)));
}

void put_i64(std::string& out, std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xff);
}
std::int64_t get_i64(const char* p) {
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(p[i]);
    return static_cast<std::int64_t>(u);
}

// Milliseconds of `e` left until its stale_until, rounded up (0: nothing left).
std::int64_t ms_left(const entry& e, time_point now) {
    if (e.stale_until <= now) return 0;
    auto left = std::chrono::ceil<milliseconds>(e.stale_until - now).count();
    return left > 0 ? left : 1;
}

}  // namespace

std::string redis_store::encode(const entry& e) {
    std::string out;
    // An entry stored untagged (make_entry) gets its tag here: the blob's reader checks the
    // bytes against it.
    const std::string made = e.etag.empty() ? make_etag(e.value) : std::string();
    const std::string& etag = e.etag.empty() ? made : e.etag;
    const std::size_t etag_len = std::min(etag.size(), max_etag);
    out.reserve(header_size + etag_len + e.value.size());
    out += magic;
    put_i64(out, to_ms(e.stored_at));
    put_i64(out, to_ms(e.fresh_until));
    put_i64(out, to_ms(e.stale_until));
    out += static_cast<char>(etag_len);
    out.append(etag, 0, etag_len);
    out += e.value;
    return out;
}

std::shared_ptr<const entry> redis_store::decode(std::string_view blob) {
    if (blob.size() < header_size || blob.substr(0, magic.size()) != magic) return nullptr;
    const char* p = blob.data() + magic.size();
    const std::int64_t stored = get_i64(p), fresh = get_i64(p + 8), stale = get_i64(p + 16);
    const auto etag_len = static_cast<unsigned char>(p[24]);
    if (stored < 0 || fresh < stored || stale < fresh) return nullptr;
    if (etag_len == 0 || etag_len > max_etag || blob.size() < header_size + etag_len)
        return nullptr;
    auto e = std::make_shared<entry>();
    e->etag.assign(blob.substr(header_size, etag_len));
    e->value.assign(blob.substr(header_size + etag_len));
    if (e->etag != make_etag(e->value)) return nullptr;  // not the bytes it was stored with
    e->stored_at = from_ms(stored);
    e->fresh_until = from_ms(fresh);
    e->stale_until = from_ms(stale);
    return e;
}

redis_store::redis_store(asio::io_context& io, redis_store_options options)
    : options_(std::move(options)), conn_(io, options_.connection) {
    if (!options_.now) options_.now = system_now;
}

void redis_store::count_error(std::string_view op, const resp_result& r) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (r.ok())
        spdlog::debug("cache: redis {} answered an error: {}", op, r.reply.str);
    else
        spdlog::debug("cache: redis {} not served: {}", op, to_string(r.failure));
}

asio::awaitable<std::shared_ptr<const entry>> redis_store::get(const cache_key& key) {
    std::vector<std::string> args{"GET", redis_key(key)};
    auto call = conn_.command(std::move(args), steady::now() + options_.get_timeout);
    resp_result r = co_await std::move(call);
    std::shared_ptr<const entry> out;
    if (!r.ok() || r.reply.type == resp_reply::kind::error) {
        count_error("GET", r);
        co_return out;
    }
    if (r.reply.type == resp_reply::kind::nil) co_return out;
    if (r.reply.type == resp_reply::kind::string) out = decode(r.reply.str);
    if (!out) {
        malformed_.fetch_add(1, std::memory_order_relaxed);
        if (!malformed_logged_.exchange(true))
            spdlog::warn(
                "cache: redis holds a value under {} that is no runhub entry (a miss; "
                "logged once)",
                redis_key(key));
        co_return out;
    }
    if (!out->servable_stale(options_.now())) out.reset();
    co_return out;
}

asio::awaitable<void> redis_store::put(const cache_key& key, std::shared_ptr<const entry> e) {
    if (!e) co_return;
    const std::int64_t px = ms_left(*e, options_.now());
    std::vector<std::string> args;
    if (px > 0)
        args = {"SET", redis_key(key), encode(*e), "PX", std::to_string(px)};
    else
        args = {"DEL", redis_key(key)};  // nothing servable: no older version may stay either
    auto call = conn_.command(std::move(args), steady::now() + options_.put_timeout);
    resp_result r = co_await std::move(call);
    if (!r.ok() || r.reply.type == resp_reply::kind::error) count_error(px > 0 ? "SET" : "DEL", r);
}

asio::awaitable<void> redis_store::erase(const cache_key& key) {
    std::vector<std::string> args{"DEL", redis_key(key)};
    auto call = conn_.command(std::move(args), steady::now() + options_.put_timeout);
    resp_result r = co_await std::move(call);
    if (!r.ok() || r.reply.type == resp_reply::kind::error) count_error("DEL", r);
}

store_stats redis_store::stats() const {
    store_stats s;
    s.redis = true;
    s.redis_up = conn_.up();
    s.redis_errors = errors_.load();
    return s;
}

}  // namespace runhub::cache
