// The webhook sender posts for real to a local server, keeps headers and body intact, counts
// failures and bounds its queue.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <thread>

#include "common/server_harness.hpp"
#include "sandbox/core/http_webhook_sender.hpp"

namespace runhub::test {
namespace {

struct received {
    std::string path, query, signature, content_type, body;
};

struct sender_env {
    sender_env() : work(boost::asio::make_work_guard(io)) {
        thread = std::thread([this] { io.run(); });
    }
    ~sender_env() {
        work.reset();
        io.stop();
        thread.join();
    }
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
    std::thread thread;
};

boost::asio::awaitable<http::response> ready(http::response r) { co_return r; }

template <class F>
bool eventually(F f) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!f()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

TEST(WebhookSender, PostReachesTheServerIntact) {
    auto got = std::make_shared<std::promise<received>>();
    auto routes = std::make_shared<http::router>();
    routes->add("POST", "/hooks/{name}", [got](http::request& req) {
        got->set_value({req.path, req.query,
                        std::string(req.headers.get("X-Zof-Signature").value_or("")),
                        std::string(req.headers.get("Content-Type").value_or("")), req.body});
        return ready(http::response::json(204, ""));
    });
    http::server_options so;
    so.access_log = false;
    server_harness hooks(so, routes, 1);
    sender_env env;
    auto sender = std::make_shared<sandbox::http_webhook_sender>(env.io);
    const std::string body =
        R"({"id":"evt_1","type":"run.completed","data":{"object":{"id":"r"}}})";
    sender->post("http://127.0.0.1:" + std::to_string(hooks.port()) + "/hooks/zof?x=1",
                 {{"X-Zof-Signature", "0123abcd"}}, body);
    auto fut = got->get_future();
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto r = fut.get();
    EXPECT_EQ(r.path, "/hooks/zof");
    EXPECT_EQ(r.query, "x=1");
    EXPECT_EQ(r.signature, "0123abcd");
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, body);
    EXPECT_TRUE(eventually([&] { return sender->stats().delivered == 1; }));
    EXPECT_EQ(sender->stats().failed, 0u);
}

TEST(WebhookSender, FailuresAreCountedNotThrown) {
    sender_env env;
    sandbox::webhook_sender_options o;
    o.timeout = std::chrono::seconds(3);
    o.max_attempts = 1;
    auto sender = std::make_shared<sandbox::http_webhook_sender>(env.io, o);
    sender->post("https://127.0.0.1:1/x", {}, "{}");  // unsupported scheme
    sender->post("not a url", {}, "{}");
    sender->post("http://127.0.0.1:1/refused", {}, "{}");  // nothing listens on port 1
    EXPECT_TRUE(eventually([&] { return sender->stats().failed == 3; }));
    EXPECT_EQ(sender->stats().delivered, 0u);
}

TEST(WebhookSender, RetriesUntilTheReceiverAnswers2xx) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto routes = std::make_shared<http::router>();
    routes->add("POST", "/flaky", [calls](http::request&) {
        // The first two attempts meet a 503, the third a 200.
        return ready(http::response::json(++*calls < 3 ? 503 : 200, "{}"));
    });
    http::server_options so;
    so.access_log = false;
    server_harness hooks(so, routes, 1);
    sender_env env;
    sandbox::webhook_sender_options o;
    o.first_retry_after = std::chrono::milliseconds(10);
    auto sender = std::make_shared<sandbox::http_webhook_sender>(env.io, o);
    sender->post("http://127.0.0.1:" + std::to_string(hooks.port()) + "/flaky", {}, "{}");
    EXPECT_TRUE(eventually([&] { return sender->stats().delivered == 1; }));
    EXPECT_EQ(calls->load(), 3);
    EXPECT_EQ(sender->stats().failed, 0u);
}

TEST(WebhookSender, GivesUpAfterMaxAttempts) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto routes = std::make_shared<http::router>();
    routes->add("POST", "/down", [calls](http::request&) {
        ++*calls;
        return ready(http::response::json(500, "{}"));
    });
    http::server_options so;
    so.access_log = false;
    server_harness hooks(so, routes, 1);
    sender_env env;
    sandbox::webhook_sender_options o;
    o.first_retry_after = std::chrono::milliseconds(1);
    o.max_attempts = 3;
    auto sender = std::make_shared<sandbox::http_webhook_sender>(env.io, o);
    sender->post("http://127.0.0.1:" + std::to_string(hooks.port()) + "/down", {}, "{}");
    EXPECT_TRUE(eventually([&] { return sender->stats().failed == 1; }));
    EXPECT_EQ(calls->load(), 3);
}

TEST(WebhookSender, QueueIsBounded) {
    boost::asio::io_context idle;  // never run: nothing leaves the queue
    sandbox::webhook_sender_options o;
    o.max_queued = 2;
    o.max_concurrent = 1;
    auto sender = std::make_shared<sandbox::http_webhook_sender>(idle, o);
    for (int i = 0; i < 5; ++i) sender->post("http://127.0.0.1:1/x", {}, "{}");
    auto s = sender->stats();
    EXPECT_EQ(s.queued, 2u);
    EXPECT_EQ(s.dropped, 3u);
}

}  // namespace
}  // namespace runhub::test
