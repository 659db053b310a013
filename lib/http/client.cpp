#include "http/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>

namespace runhub::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = client::clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct origin {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;  // path + query, never empty
    std::string key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

std::optional<origin> parse_origin(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return std::nullopt;
    origin o;
    if (u->scheme() == "https")
        o.tls = true;
    else if (u->scheme() != "http")
        return std::nullopt;
    o.host = std::string(u->encoded_host_address());
    if (o.host.empty()) return std::nullopt;
    if (!o.host.empty() && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
    o.port = u->has_port() ? std::string(u->port()) : (o.tls ? "443" : "80");
    o.target = std::string(u->encoded_path());
    if (o.target.empty()) o.target = "/";
    if (u->has_query()) o.target += "?" + std::string(u->encoded_query());
    return o;
}

constexpr std::size_t read_buffer_bytes = 32 * 1024;

struct connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    clock::time_point idle_since;
    beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

struct pool {
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t open = 0;  // busy + idle
};

upstream_error_kind classify_transport(const boost::system::error_code& ec, bool past_deadline) {
    if (ec == beast::error::timeout || past_deadline) return upstream_error_kind::timeout;
    if (ec == asio::error::operation_aborted) return upstream_error_kind::canceled;
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == asio::ssl::error::get_stream_category())
        return upstream_error_kind::tls;
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        return upstream_error_kind::malformed;
    return upstream_error_kind::network;
}

}  // namespace

struct client::impl : std::enable_shared_from_this<client::impl> {
    impl(asio::any_io_executor e, client_options o)
        : exec(std::move(e)), opts(std::move(o)), ssl_ctx(ssl::context::tls_client) {
        ssl_ctx.set_verify_mode(opts.verify_peer ? ssl::verify_peer : ssl::verify_none);
        if (!opts.ca_file.empty()) {
            boost::system::error_code ec;
            ssl_ctx.load_verify_file(opts.ca_file, ec);
            if (ec)
                throw std::runtime_error("cannot load CA file " + opts.ca_file + ": " +
                                         ec.message());
        } else {
            ssl_ctx.set_default_verify_paths();
        }
        uniform01 = [rng = std::mt19937_64(std::random_device{}())]() mutable {
            return static_cast<double>(rng() >> 11) * 0x1.0p-53;
        };
    }

    asio::any_io_executor exec;
    client_options opts;
    ssl::context ssl_ctx;
    std::function<double()> uniform01;
    mutable std::mutex mutex;
    std::map<std::string, pool> pools;

    // An idle connection to reuse, or nullptr with a slot reserved for a new one, or nullopt
    // when the origin is at its bound (the caller waits and asks again).
    std::optional<std::unique_ptr<connection>> try_acquire(const std::string& key) {
        std::lock_guard lock(mutex);
        auto& p = pools[key];
        auto now = clock::now();
        while (!p.idle.empty()) {
            auto c = std::move(p.idle.back());
            p.idle.pop_back();
            if (now - c->idle_since < opts.idle_keep) return c;
            --p.open;  // too old: dropped
        }
        if (p.open >= opts.max_connections_per_origin) return std::nullopt;
        ++p.open;
        return std::unique_ptr<connection>();
    }

    void release(const std::string& key, std::unique_ptr<connection> c) {
        std::lock_guard lock(mutex);
        auto& p = pools[key];
        if (c) {
            c->idle_since = clock::now();
            p.idle.push_back(std::move(c));
        } else if (p.open > 0) {
            --p.open;
        }
    }

    asio::awaitable<std::pair<std::unique_ptr<connection>, boost::system::error_code>> connect(
        const origin& o, clock::time_point deadline) {
        auto c = std::make_unique<connection>();
        // Beast reads a message in pieces of the buffer's free capacity, with a 512-byte floor:
        // left at its default, a 30 kB answer is ~60 reads, each one a trip through the TLS
        // stream's composed operations. One TLS record (16 KiB of plaintext) or a plain read of
        // that size fits whole in this.
        c->buffer.reserve(read_buffer_bytes);
        boost::system::error_code ec;
        tcp::resolver resolver(exec);
        asio::steady_timer guard(exec);
        guard.expires_at(deadline);
        guard.async_wait([&resolver](boost::system::error_code e) {
            if (!e) resolver.cancel();
        });
        auto [rec, results] = co_await resolver.async_resolve(o.host, o.port, use_tuple);
        guard.cancel();
        if (rec) co_return std::make_pair(std::move(c), rec);
        if (o.tls) {
            c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(exec, ssl_ctx);
            if (!SSL_set_tlsext_host_name(c->tls->native_handle(), o.host.c_str()))
                co_return std::make_pair(
                    std::move(c), boost::system::error_code(static_cast<int>(ERR_get_error()),
                                                            asio::error::get_ssl_category()));
            c->tls->set_verify_callback(ssl::host_name_verification(o.host));
        } else {
            c->plain = std::make_unique<beast::tcp_stream>(exec);
        }
        c->lowest().expires_at(deadline);
        auto [cec, ep] = co_await c->lowest().async_connect(results, use_tuple);
        ec = cec;
        if (!ec) c->lowest().socket().set_option(tcp::no_delay(true), ec);
        if (!ec && o.tls) {
            auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, use_tuple);
            ec = hec;
        }
        co_return std::make_pair(std::move(c), ec);
    }

    template <class Stream>
    asio::awaitable<boost::system::error_code> exchange(
        Stream& stream, connection& c, bhttp::request<bhttp::string_body>& msg,
        bhttp::response_parser<bhttp::string_body>& parser, bool& wrote) {
        auto [wec, wn] = co_await bhttp::async_write(stream, msg, use_tuple);
        if (wec) co_return wec;
        wrote = true;
        auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, use_tuple);
        co_return rec;
    }
};

namespace {
// Turns a parsed answer into the result and puts the connection back when it can be reused.
void return_answer(client::impl& self, const std::string& key, std::unique_ptr<connection> conn,
                   bhttp::response<bhttp::string_body> res, client_result& result) {
    client_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.add(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (res.keep_alive() && conn->buffer.size() == 0) {
        conn->lowest().expires_never();
        self.release(key, std::move(conn));
    } else {
        self.release(key, nullptr);
    }
    result.error = classify_status(out.status);
    if (!result.ok()) result.detail = "HTTP " + std::to_string(out.status);
    result.response = std::move(out);
}
}  // namespace

client::client(asio::any_io_executor exec, client_options opts)
    : impl_(std::make_shared<impl>(std::move(exec), std::move(opts))) {}

client::~client() = default;

void client::set_random(std::function<double()> uniform01) {
    impl_->uniform01 = std::move(uniform01);
}

std::size_t client::idle_connections() const {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (const auto& [k, p] : impl_->pools) n += p.idle.size();
    return n;
}

std::size_t client::open_connections() const {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (const auto& [k, p] : impl_->pools) n += p.open;
    return n;
}

asio::awaitable<client_result> client::send(client_request req, clock::time_point deadline) {
    auto self = impl_;
    client_result result;
    result.attempts = 1;
    auto o = parse_origin(req.url);
    if (!o) {
        result.error = upstream_error_kind::network;
        result.detail = "not an http(s) URL: " + req.url;
        co_return result;
    }
    const std::string key = o->key();

    bhttp::request<bhttp::string_body> msg;
    msg.method_string(req.method);
    msg.target(o->target);
    msg.version(11);
    bool default_port = o->port == (o->tls ? "443" : "80");
    msg.set(bhttp::field::host, default_port ? o->host : o->host + ":" + o->port);
    msg.set(bhttp::field::user_agent, self->opts.user_agent);
    for (const auto& f : req.headers.all()) msg.insert(f.name, f.value);
    msg.body() = req.body;
    msg.prepare_payload();
    msg.keep_alive(true);

    // Every local lives at function scope: GCC 12 miscompiles destructors of block-scoped
    // locals across co_await (see connection.cpp). Two tries at most: a pooled connection the
    // server closed meanwhile is replaced once.
    std::optional<std::unique_ptr<connection>> slot;
    std::unique_ptr<connection> conn;
    std::pair<std::unique_ptr<connection>, boost::system::error_code> fresh;
    asio::steady_timer wait(self->exec);
    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    boost::system::error_code ec;
    bool reused = false;
    bool wrote = false;
    std::optional<std::chrono::milliseconds> budget_wait;
    if (self->opts.budget) {
        budget_wait = self->opts.budget->reserve(clock::now(), deadline);
        if (!budget_wait) {
            result.error = upstream_error_kind::throttled;
            result.budget_refused = true;
            result.detail = "runhub's budget for " + key + " has no call left before the deadline";
            co_return result;
        }
        if (budget_wait->count() > 0) {
            wait.expires_after(*budget_wait);
            co_await wait.async_wait(use_tuple);
        }
    }
    for (int round = 0; round < 2; ++round) {
        while (!(slot = self->try_acquire(key))) {
            if (clock::now() >= deadline) {
                result.error = upstream_error_kind::timeout;
                result.detail = "no free connection to " + key + " before the deadline";
                co_return result;
            }
            wait.expires_after(std::chrono::milliseconds(5));
            co_await wait.async_wait(use_tuple);
        }
        conn = std::move(*slot);
        slot.reset();
        reused = conn != nullptr;
        ec = {};
        if (!conn) {
            fresh = co_await self->connect(*o, deadline);
            conn = std::move(fresh.first);
            ec = fresh.second;
        }
        parser.emplace();
        parser->body_limit(self->opts.max_response_bytes);
        if (req.method == "HEAD") parser->skip(true);
        wrote = false;
        if (!ec) {
            conn->lowest().expires_at(deadline);
            if (conn->tls)
                ec = co_await self->exchange(*conn->tls, *conn, msg, *parser, wrote);
            else
                ec = co_await self->exchange(*conn->plain, *conn, msg, *parser, wrote);
        }
        if (!ec) break;
        conn.reset();
        self->release(key, nullptr);
        bool stale = reused &&
                     (!wrote || ec == bhttp::error::end_of_stream ||
                      ec == asio::error::connection_reset || ec == asio::error::eof) &&
                     !parser->got_some();
        // Sent again only when the server cannot have acted on it: nothing was written, or the
        // request is idempotent (a POST that reached a vendor must not start a second run).
        if (stale && round == 0 && clock::now() < deadline && (!wrote || idempotent(req))) continue;
        result.error = classify_transport(ec, clock::now() >= deadline);
        // An answer cut off after it began (the peer closed mid-head or mid-body, with or
        // without a TLS close_notify) is a broken answer, not a transport or TLS failure.
        if (wrote && parser->got_some() && result.error != upstream_error_kind::timeout &&
            (ec == bhttp::error::partial_message || ec == bhttp::error::end_of_stream ||
             ec == asio::ssl::error::stream_truncated || ec == asio::error::eof ||
             ec == asio::error::connection_reset))
            result.error = upstream_error_kind::malformed;
        result.detail = ec.message();
        co_return result;
    }
    if (!conn) {
        result.error = upstream_error_kind::network;
        result.detail = "connection closed";
        co_return result;
    }
    return_answer(*self, key, std::move(conn), parser->release(), result);
    if (self->opts.budget && result.response)
        self->opts.budget->observe(result.response->headers, clock::now(),
                                   std::chrono::system_clock::now());
    co_return result;
}

asio::awaitable<client_result> client::send_with_retry(client_request req,
                                                       clock::time_point deadline,
                                                       retry_policy policy) {
    auto self = impl_;
    retry_state state(policy, deadline, self->uniform01);
    const bool may_retry = idempotent(req);
    asio::steady_timer pause(self->exec);
    client_result r;  // function scope: see send()
    std::optional<std::chrono::milliseconds> hint;
    std::optional<std::chrono::milliseconds> delay;
    for (;;) {
        r = co_await send(req, deadline);
        r.attempts = state.attempts_made();
        if (r.ok() || !may_retry || r.budget_refused) co_return r;
        hint.reset();
        if (r.response) hint = wait_hint(*r.response, std::chrono::system_clock::now());
        delay = state.next_delay(r.error, hint, clock::now());
        if (!delay) co_return r;
        pause.expires_after(*delay);
        auto [ec] = co_await pause.async_wait(use_tuple);
        if (ec) co_return r;
    }
}

bool idempotent(const client_request& r) {
    if (r.headers.get("Idempotency-Key")) return true;
    for (auto m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
        if (r.method == m) return true;
    return false;
}

std::optional<std::chrono::milliseconds> wait_hint(const client_response& r,
                                                   std::chrono::system_clock::time_point now) {
    if (auto v = r.headers.get("Retry-After")) {
        if (auto d = parse_retry_after(*v, now)) return d;
    }
    auto integer = [](std::string_view s) -> std::optional<long long> {
        long long n = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || p != s.data() + s.size() || n < 0) return std::nullopt;
        return n;
    };
    if (auto v = r.headers.get("RateLimit-Reset")) {
        if (auto n = integer(*v)) return std::chrono::milliseconds(*n * 1000);
    }
    if (auto v = r.headers.get("X-RateLimit-Reset")) {
        if (auto n = integer(*v)) {
            // A Unix time when large, else seconds from now.
            if (*n > 1'000'000'000) {
                auto at = std::chrono::system_clock::time_point(std::chrono::seconds(*n));
                auto d = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
                return d.count() < 0 ? std::chrono::milliseconds(0) : d;
            }
            return std::chrono::milliseconds(*n * 1000);
        }
    }
    return std::nullopt;
}

}  // namespace runhub::http
