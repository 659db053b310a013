#include "sandbox/core/http_webhook_sender.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <functional>

namespace runhub::sandbox {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct target {
    std::string host;
    std::string port;
    std::string path;
};

std::optional<target> parse_target(const std::string& url, std::string& why) {
    auto u = boost::urls::parse_uri(url);
    if (!u) {
        why = "not a URL";
        return std::nullopt;
    }
    if (u->scheme() != "http") {
        why = "only http:// webhook URLs are supported";
        return std::nullopt;
    }
    target t;
    t.host = u->host();
    t.port = u->has_port() ? std::string(u->port()) : "80";
    t.path = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
    if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
    if (t.host.empty()) {
        why = "no host";
        return std::nullopt;
    }
    return t;
}

struct attempt_result {
    std::string error;  // "" when answered 2xx
    bool retry = true;  // worth another attempt (a bad URL is not)
};

// One POST. Locals at function scope only (GCC 12 and coroutines).
asio::awaitable<attempt_result> post_once(http_webhook_sender::item it,
                                          std::chrono::milliseconds timeout) {
    std::string why;
    auto t = parse_target(it.url, why);
    if (!t) co_return attempt_result{why, false};
    auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(executor);
    beast::tcp_stream stream(executor);
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, t->path, 11};
    bhttp::response<bhttp::string_body> res;
    beast::flat_buffer buffer;
    boost::system::error_code ec;

    stream.expires_after(timeout);
    auto [rec, endpoints] = co_await resolver.async_resolve(t->host, t->port, use_tuple);
    if (rec) co_return attempt_result{"resolve: " + rec.message()};
    std::tie(ec, std::ignore) = co_await stream.async_connect(endpoints, use_tuple);
    if (ec) co_return attempt_result{"connect: " + ec.message()};
    req.set(bhttp::field::host, t->host + ":" + t->port);
    req.set(bhttp::field::user_agent, "runhub-sandbox");
    req.set(bhttp::field::content_type, "application/json");
    for (const auto& h : it.headers) req.set(h.name, h.value);
    req.body() = std::move(it.body);
    req.prepare_payload();
    req.keep_alive(false);
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, req, use_tuple);
    if (ec) co_return attempt_result{"write: " + ec.message()};
    std::tie(ec, std::ignore) = co_await bhttp::async_read(stream, buffer, res, use_tuple);
    if (ec) co_return attempt_result{"read: " + ec.message()};
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    if (res.result_int() / 100 != 2)
        co_return attempt_result{"answered " + std::to_string(res.result_int())};
    co_return attempt_result{{}, false};
}

// Sends queued posts until the queue is empty; each post gets up to max_attempts tries with
// doubling pauses in between (the vendors do not document their retry schedules; assumed).
asio::awaitable<void> work(std::shared_ptr<http_webhook_sender> self,
                           std::function<std::optional<http_webhook_sender::item>()> next,
                           std::function<void(bool)> finished, webhook_sender_options opts) {
    std::optional<http_webhook_sender::item> it;
    attempt_result result;
    int attempt = 0;
    std::chrono::milliseconds pause{0};
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    for (it = next(); it; it = next()) {
        pause = opts.first_retry_after;
        for (attempt = 1; attempt <= opts.max_attempts; ++attempt) {
            try {
                result = co_await post_once(*it, opts.timeout);
            } catch (const std::exception& e) {
                result = attempt_result{e.what()};
            }
            if (result.error.empty() || !result.retry || attempt == opts.max_attempts) break;
            spdlog::info("sandbox webhook to {} failed ({}), attempt {} of {}", it->url,
                         result.error, attempt, opts.max_attempts);
            timer.expires_after(pause);
            co_await timer.async_wait(use_tuple);
            pause *= 2;
        }
        if (!result.error.empty())
            spdlog::warn("sandbox webhook to {} failed: {}", it->url, result.error);
        finished(result.error.empty());
    }
    (void)self;
}

}  // namespace

http_webhook_sender::http_webhook_sender(asio::io_context& io, webhook_sender_options opts)
    : io_(io), opts_(opts) {}

void http_webhook_sender::post(std::string url, std::vector<http::header_field> headers,
                               std::string body) {
    bool spawn = false;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= opts_.max_queued) {
            ++counts_.dropped;
            spdlog::warn("sandbox webhook to {} dropped: {} already queued", url, queue_.size());
            return;
        }
        queue_.push_back({std::move(url), std::move(headers), std::move(body)});
        if (workers_ < opts_.max_concurrent) {
            ++workers_;
            spawn = true;
        }
    }
    if (!spawn) return;
    auto self = shared_from_this();
    auto next = [self] { return self->next(); };
    auto finished = [self](bool ok) { self->finished(ok); };
    asio::co_spawn(io_, work(self, std::move(next), std::move(finished), opts_), asio::detached);
}

std::optional<http_webhook_sender::item> http_webhook_sender::next() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
        --workers_;
        return std::nullopt;
    }
    item it = std::move(queue_.front());
    queue_.pop_front();
    return it;
}

void http_webhook_sender::finished(bool ok) {
    std::lock_guard lock(mutex_);
    if (ok)
        ++counts_.delivered;
    else
        ++counts_.failed;
}

http_webhook_sender::counts http_webhook_sender::stats() const {
    std::lock_guard lock(mutex_);
    counts c = counts_;
    c.queued = queue_.size();
    return c;
}

}  // namespace runhub::sandbox
