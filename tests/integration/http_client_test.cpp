// runhub::http::client against the real server on loopback: pooling, deadlines, retries.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "common/server_harness.hpp"
#include "http/client.hpp"

using namespace runhub;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A server whose /flaky answers the scripted statuses in order, then 200.
struct scripted_server {
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    std::vector<int> script;
    std::vector<std::pair<std::string, std::string>> extra_headers;
    std::shared_ptr<http::router> routes = std::make_shared<http::router>();
    std::unique_ptr<test::server_harness> harness;

    explicit scripted_server(std::vector<int> s,
                             std::vector<std::pair<std::string, std::string>> h = {})
        : script(std::move(s)), extra_headers(std::move(h)) {
        routes->add("GET", "/flaky", [this](http::request&) -> asio::awaitable<http::response> {
            int n = (*calls)++;
            int status = n < static_cast<int>(script.size()) ? script[n] : 200;
            auto r = http::response::json(status, R"({"n":)" + std::to_string(n) + "}");
            for (const auto& [k, v] : extra_headers) r.headers.add(k, v);
            co_return r;
        });
        routes->add("POST", "/flaky", [this](http::request&) -> asio::awaitable<http::response> {
            ++*calls;
            co_return http::response::json(503, "{}");
        });
        routes->add("GET", "/cut", [](http::request&) -> asio::awaitable<http::response> {
            auto r = http::response::json(200, R"({"runs":[1,2,3,4,5,6,7,8,9,10]})");
            r.how = http::delivery::truncate;
            co_return r;
        });
        routes->add("GET", "/slow", [](http::request&) -> asio::awaitable<http::response> {
            asio::steady_timer t(co_await asio::this_coro::executor, 2s);
            co_await t.async_wait(asio::use_awaitable);
            co_return http::response::json(200, "{}");
        });
        harness = std::make_unique<test::server_harness>(http::server_options{}, routes);
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(harness->port()) + path;
    }
};

// Runs one coroutine on a private io_context and returns its result.
template <class F>
auto run(asio::io_context& io, F f) {
    auto fut = asio::co_spawn(io, f, asio::use_future);
    io.restart();
    io.run();
    return fut.get();
}

}  // namespace

TEST(HttpClient, GetAndKeepAliveReuse) {
    scripted_server s({});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    for (int i = 0; i < 5; ++i) {
        auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
            http::client_request req{"GET", s.url("/flaky"), {}, {}};
            co_return co_await c.send(req, http::client::clock::now() + 5s);
        });
        ASSERT_TRUE(r.ok()) << r.detail;
        EXPECT_EQ(r.response->status, 200);
        EXPECT_EQ(r.response->body, R"({"n":)" + std::to_string(i) + "}");
    }
    EXPECT_EQ(c.open_connections(), 1u);
    EXPECT_EQ(c.idle_connections(), 1u);
    EXPECT_EQ(s.harness->server().open_connections(), 1u);
}

TEST(HttpClient, DeadlineBecomesTimeout) {
    scripted_server s({});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    auto start = std::chrono::steady_clock::now();
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/slow"), {}, {}};
        co_return co_await c.send(req, http::client::clock::now() + 200ms);
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::timeout) << r.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
    EXPECT_EQ(c.open_connections(), 0u);
}

TEST(HttpClient, RefusedConnectionIsANetworkError) {
    std::uint16_t port;
    {
        scripted_server s({});
        port = s.harness->port();
    }
    asio::io_context io;
    http::client c(io.get_executor(), {});
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, {}};
        co_return co_await c.send(req, http::client::clock::now() + 2s);
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::network);
}

TEST(HttpClient, BadUrlIsAnErrorNotACrash) {
    asio::io_context io;
    http::client c(io.get_executor(), {});
    for (std::string url : {"", "ftp://x/", "http://", "not a url", "http://[::1/x"}) {
        auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
            http::client_request req{"GET", url, {}, {}};
            co_return co_await c.send(req, http::client::clock::now() + 1s);
        });
        EXPECT_FALSE(r.ok()) << url;
    }
}

TEST(HttpClient, RetriesIdempotent5xxThenSucceeds) {
    scripted_server s({503, 502});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    c.set_random([] { return 0.0; });
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/flaky"), {}, {}};
        co_return co_await c.send_with_retry(req, http::client::clock::now() + 5s, {});
    });
    EXPECT_TRUE(r.ok()) << r.detail;
    EXPECT_EQ(r.attempts, 3);
    EXPECT_EQ(s.calls->load(), 3);
}

TEST(HttpClient, GivesUpAfterMaxAttempts) {
    scripted_server s({500, 500, 500, 500});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    c.set_random([] { return 0.0; });
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/flaky"), {}, {}};
        co_return co_await c.send_with_retry(req, http::client::clock::now() + 5s,
                                             {.max_attempts = 3});
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::server);
    ASSERT_TRUE(r.response);
    EXPECT_EQ(r.response->status, 500);
    EXPECT_EQ(s.calls->load(), 3);
}

TEST(HttpClient, NeverRetriesNonIdempotentPost) {
    scripted_server s({});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    c.set_random([] { return 0.0; });
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"POST", s.url("/flaky"), {}, "{}"};
        co_return co_await c.send_with_retry(req, http::client::clock::now() + 5s, {});
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::server);
    EXPECT_EQ(s.calls->load(), 1);
}

TEST(HttpClient, HonoursRetryAfterOn429) {
    scripted_server s({429}, {{"Retry-After", "1"}});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    c.set_random([] { return 0.0; });
    auto start = std::chrono::steady_clock::now();
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/flaky"), {}, {}};
        co_return co_await c.send_with_retry(req, http::client::clock::now() + 5s, {});
    });
    EXPECT_TRUE(r.ok());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms);
}

TEST(HttpClient, DoesNotWaitPastTheDeadlineForRetryAfter) {
    scripted_server s({429}, {{"Retry-After", "30"}});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    auto start = std::chrono::steady_clock::now();
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/flaky"), {}, {}};
        co_return co_await c.send_with_retry(req, http::client::clock::now() + 2s, {});
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::throttled);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(s.calls->load(), 1);
}

TEST(HttpClient, ConnectionBoundIsRespected) {
    scripted_server s({});
    asio::io_context io;
    http::client c(io.get_executor(), {.max_connections_per_origin = 2});
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i) {
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                http::client_request req{"GET", s.url("/flaky"), {}, {}};
                auto r = co_await c.send(req, http::client::clock::now() + 5s);
                if (r.ok()) ++ok;
            },
            asio::detached);
    }
    io.run();
    EXPECT_EQ(ok.load(), 6);
    EXPECT_LE(c.open_connections(), 2u);
    EXPECT_EQ(s.calls->load(), 6);
}

TEST(HttpClient, AnswerCutOffMidBodyIsMalformed) {
    scripted_server s({});
    asio::io_context io;
    http::client c(io.get_executor(), {});
    auto r = run(io, [&]() -> asio::awaitable<http::client_result> {
        http::client_request req{"GET", s.url("/cut"), {}, {}};
        co_return co_await c.send(req, http::client::clock::now() + 5s);
    });
    EXPECT_EQ(r.error, http::upstream_error_kind::malformed) << r.detail;
    EXPECT_EQ(c.open_connections(), 0u);
}
