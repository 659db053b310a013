// TesterArmy's completion webhooks (vendor-notes.md §2.7), posted for real over loopback to a
// local server: the full run object, to the run's webhookUrl or to the configured default, with
// the shared-secret header [assumed].
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <condition_variable>

#include "common/server_harness.hpp"
#include "sandbox/core/http_webhook_sender.hpp"
#include "sandbox/testerarmy/testerarmy_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

struct inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::tuple<std::string, std::string, std::string>> hooks;  // path, secret, body

    // Waits for `n` hooks (an event with a deadline, not a sleep).
    bool wait_for(std::size_t n) {
        std::unique_lock lock(mu);
        return cv.wait_for(lock, 10s, [&] { return hooks.size() >= n; });
    }
};

// Posts for real, over loopback, to "http://127.0.0.1:<port><path>".
class loopback_sender : public sandbox::webhook_sender {
  public:
    void post(std::string url, std::vector<http::header_field> headers, std::string body) override {
        const std::string prefix = "http://127.0.0.1:";
        ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
        const auto slash = url.find('/', prefix.size());
        const auto port =
            static_cast<std::uint16_t>(std::stoi(url.substr(prefix.size(), slash - prefix.size())));
        header_list h;
        for (auto& f : headers) h.emplace_back(f.name, f.value);
        http_client(port).request("POST", url.substr(slash), h, body);
    }
};

}  // namespace

TEST(TesterArmyWebhooks, CompletedRunsArePostedToTheirUrlOrTheDefault) {
    auto got = std::make_shared<inbox>();
    auto routes = std::make_shared<http::router>();
    for (auto path : {"/hooks/default", "/hooks/own"}) {
        routes->add(
            "POST", path, [got](http::request& req) -> boost::asio::awaitable<http::response> {
                {
                    std::lock_guard lock(got->mu);
                    got->hooks.emplace_back(
                        req.path,
                        std::string(req.headers.get("X-TesterArmy-Webhook-Secret").value_or("")),
                        req.body);
                }
                got->cv.notify_all();
                co_return http::response::json(200, "{}");
            });
    }
    http::server_options so;
    so.access_log = false;
    server_harness receiver(so, routes, 1);
    const std::string base = "http://127.0.0.1:" + std::to_string(receiver.port());

    sandbox_fixture_options o;
    o.webhook_url = base + "/hooks/default";
    o.webhooks = std::make_shared<loopback_sender>();
    sandbox_fixture fx(sandbox::testerarmy::make_testerarmy_emulator, o);

    fx.set_faults(R"({"outcome": "failed"})");
    auto a = parse_json(fx.post("/api/v1/runs", R"({"prompt":"check search"})").body);
    auto b = parse_json(fx.post("/api/v1/runs", R"({"prompt":"check cart","webhookUrl":")" + base +
                                                    R"(/hooks/own"})")
                            .body);
    auto cancelled = parse_json(fx.post("/api/v1/runs", R"({"prompt":"never mind"})").body);
    fx.post("/api/v1/runs/" + std::string(cancelled.at("id").as_string()) + "/cancel", "");
    fx.emulator().tick();
    {
        std::lock_guard lock(got->mu);
        EXPECT_TRUE(got->hooks.empty()) << "posted before the runs ended";
    }
    fx.advance(11s);
    fx.emulator().tick();
    ASSERT_TRUE(got->wait_for(2));
    fx.emulator().tick();  // nothing more: each run is posted once, the cancelled one never

    std::lock_guard lock(got->mu);
    ASSERT_EQ(got->hooks.size(), 2u);
    std::map<std::string, boost::json::value> by_path;
    for (auto& [path, secret, body] : got->hooks) {
        EXPECT_EQ(secret, "sandbox-webhook-secret");
        by_path[path] = parse_json(body);
    }
    ASSERT_TRUE(by_path.count("/hooks/default"));
    ASSERT_TRUE(by_path.count("/hooks/own"));
    const auto& run = by_path["/hooks/default"];
    EXPECT_EQ(run.at("id"), a.at("id"));
    EXPECT_EQ(run.at("status"), "completed");
    EXPECT_EQ(run.at("output").at("result"), "FAILED");
    EXPECT_FALSE(run.at("output").at("issues").as_array().empty());
    EXPECT_EQ(by_path["/hooks/own"].at("id"), b.at("id"));
    // The same object as GET /runs/{id}, except the delivery status that follows the post.
    auto now = parse_json(fx.get("/api/v1/runs/" + std::string(a.at("id").as_string())).body);
    EXPECT_EQ(now.at("webhookStatus"), "delivered");
    now.as_object()["webhookStatus"] = "pending";
    EXPECT_EQ(now, run);
}

// The same through the sandbox's own webhook sender (what `runhub sandbox` uses).
TEST(TesterArmyWebhooks, TheSandboxSenderDeliversTheRunObject) {
    auto got = std::make_shared<inbox>();
    auto routes = std::make_shared<http::router>();
    routes->add(
        "POST", "/hooks/ta", [got](http::request& req) -> boost::asio::awaitable<http::response> {
            {
                std::lock_guard lock(got->mu);
                got->hooks.emplace_back(
                    req.path,
                    std::string(req.headers.get("X-TesterArmy-Webhook-Secret").value_or("")),
                    req.body);
            }
            got->cv.notify_all();
            co_return http::response::json(200, "{}");
        });
    http::server_options so;
    so.access_log = false;
    server_harness receiver(so, routes, 1);

    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    auto sender = std::make_shared<sandbox::http_webhook_sender>(io);
    std::thread io_thread([&io] { io.run(); });
    {
        sandbox_fixture_options o;
        o.webhooks = sender;
        sandbox_fixture fx(sandbox::testerarmy::make_testerarmy_emulator, o);
        const auto test_id = std::string(
            parse_json(fx.get("/_sandbox/info").body).at("scope").at("test_id").as_string());
        auto made = parse_json(fx.post("/api/v1/tests/" + test_id + "/runs",
                                       R"({"webhookUrl":"http://127.0.0.1:)" +
                                           std::to_string(receiver.port()) + R"(/hooks/ta"})")
                                   .body);
        fx.advance(11s);
        fx.emulator().tick();
        ASSERT_TRUE(got->wait_for(1));
        std::lock_guard lock(got->mu);
        auto run = parse_json(std::get<2>(got->hooks[0]));
        EXPECT_EQ(run.at("id"), made.at("id"));
        EXPECT_EQ(run.at("testId"), boost::json::value(test_id));
        EXPECT_EQ(std::get<1>(got->hooks[0]), "sandbox-webhook-secret");
    }
    guard.reset();
    io.stop();
    io_thread.join();
}
