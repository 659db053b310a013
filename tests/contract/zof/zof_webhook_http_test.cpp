// Signed run.completed / run.failed webhooks, received by a real local server that recomputes
// the HMAC; and same seed, same data over HTTP.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>

#include "sandbox/zof/zof_webhook.hpp"
#include "zof_test_env.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace runhub::test::zof;
using namespace std::chrono_literals;

namespace {

// Posts for real, over loopback, to "http://127.0.0.1:<port><path>".
class loopback_sender : public sandbox::webhook_sender {
  public:
    void post(std::string url, std::vector<http::header_field> headers, std::string body) override {
        const std::string prefix = "http://127.0.0.1:";
        ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
        auto slash = url.find('/', prefix.size());
        auto port = static_cast<std::uint16_t>(std::stoi(url.substr(prefix.size(), slash)));
        std::vector<std::pair<std::string, std::string>> h;
        for (auto& f : headers) h.emplace_back(f.name, f.value);
        http_client(port).request("POST", url.substr(slash), h, body);
    }
};

struct received {
    std::mutex mu;
    std::vector<std::pair<std::string, std::string>> hooks;  // (signature, raw body)
};

}  // namespace

TEST(ZofWebhooks, CompletedRunsPostSignedEventsThatVerify) {
    auto got = std::make_shared<received>();
    auto receiver_routes = std::make_shared<http::router>();
    receiver_routes->add(
        "POST", "/hooks/zof", [got](http::request& req) -> boost::asio::awaitable<http::response> {
            std::lock_guard lock(got->mu);
            got->hooks.emplace_back(std::string(req.headers.get("X-Zof-Signature").value_or("")),
                                    req.body);
            co_return http::response::json(200, "{}");
        });
    http::server_options so;
    so.access_log = false;
    server_harness receiver(so, receiver_routes, 1);

    auto clock = std::make_shared<sandbox::sandbox_clock>(fixed_now());
    sandbox::emulator_options o;
    o.runs = 10;
    o.clock = clock;
    o.webhook_url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/zof";
    o.webhook_secret = "whsec_test_123";
    o.webhooks = std::make_shared<loopback_sender>();
    auto emu = sandbox::zof::make_zof_emulator(o);
    auto routes = std::make_shared<http::router>();
    emu->add_routes(*routes);
    server_harness server(so, routes, 1);
    auto post = [&](const std::string& target, const std::string& body) {
        return http_client(server.port())
            .request("POST", target,
                     {{"Authorization", emu->auth_value()}, {"Content-Type", "application/json"}},
                     body);
    };
    const std::string project(emu->scope().at("project_id").as_string());
    const std::string trigger =
        R"({"project_id":")" + project + R"(","environment":"staging","test_case_ids":["tc_a"]})";

    emu->set_forced_outcome("failed");
    auto id = std::string(parse(post("/v1/runs", trigger).body).at("id").as_string());
    emu->tick();
    {
        std::lock_guard lock(got->mu);
        EXPECT_TRUE(got->hooks.empty()) << "nothing ends before its time";
    }
    clock->advance(10s);
    emu->tick();
    emu->tick();  // a second tick sends nothing twice

    std::lock_guard lock(got->mu);
    ASSERT_EQ(got->hooks.size(), 2u);
    std::set<std::string> types, event_ids;
    for (const auto& [sig, body] : got->hooks) {
        EXPECT_EQ(sig, sandbox::zof::hmac_sha256_hex("whsec_test_123", body));
        EXPECT_NE(sig, sandbox::zof::hmac_sha256_hex("another-secret", body));
        auto v = parse(body);
        types.insert(std::string(v.at("type").as_string()));
        event_ids.insert(std::string(v.at("id").as_string()));
        EXPECT_EQ(v.at("data").at("object").at("run_id"), id.c_str());
        EXPECT_EQ(v.at("data").at("object").at("status"), "failed");
    }
    EXPECT_EQ(types, (std::set<std::string>{"run.completed", "run.failed"}));
    EXPECT_EQ(event_ids.size(), 2u);
}

TEST(ZofWebhooks, CancelSendsRunCompleted) {
    zof_env env(10, 42, "http://127.0.0.1:1/hooks");
    auto id =
        std::string(parse(env.post("/v1/runs", R"({"project_id":")" + env.project_id() +
                                                   R"(","environment":"qa","test_case_ids":["x"]})")
                              .body)
                        .at("id")
                        .as_string());
    ASSERT_EQ(env.post("/v1/runs/" + id + "/cancel", "").status, 200);
    env.emu->tick();
    auto posts = env.sender->posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].url, "http://127.0.0.1:1/hooks");
    EXPECT_EQ(parse(posts[0].body).at("type"), "run.completed");
    EXPECT_EQ(parse(posts[0].body).at("data").at("object").at("status"), "canceled");
    EXPECT_EQ(posts[0].header("X-Zof-Signature"),
              sandbox::zof::hmac_sha256_hex("sandbox-webhook-secret", posts[0].body));
}

TEST(ZofSeed, SameSeedSameRunsDifferentSeedOthers) {
    zof_env a(50, 7), b(50, 7), c(50, 8);
    auto page_a = a.get("/v1/runs?limit=100").body;
    EXPECT_EQ(page_a, b.get("/v1/runs?limit=100").body);
    EXPECT_NE(page_a, c.get("/v1/runs?limit=100").body);
    EXPECT_EQ(parse(page_a).at("data").as_array().size(), 50u);
    // Reset brings the seed back after changes.
    a.post("/v1/runs", R"({"project_id":")" + a.project_id() +
                           R"(","environment":"qa","test_case_ids":["x"]})");
    EXPECT_NE(a.get("/v1/runs?limit=100").body, page_a);
    a.emu->reset();
    EXPECT_EQ(a.get("/v1/runs?limit=100").body, page_a);
}
