// The runner: every built-in vendor on its own port in the documented order, one shared clock,
// per-vendor initial faults, and the missing vendors reported.
#include "sandbox/runner/sandbox_runner.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "common/server_harness.hpp"
#include "free_ports.hpp"
#include "sandbox/core/seeded_data.hpp"
#include "sandbox/core/vendor_server.hpp"
#include "sandbox_fixture.hpp"

namespace runhub::test {
namespace {

struct runner_env {
    explicit runner_env(sandbox::sandbox_runner_options o) : runner(io, std::move(o)) {
        runner.start();
        thread = std::thread([this] { io.run(); });
    }
    ~runner_env() {
        auto done = std::make_shared<std::promise<void>>();
        auto fut = done->get_future();
        runner.shutdown([done] { done->set_value(); });
        fut.wait_for(std::chrono::seconds(15));
        io.stop();
        thread.join();
    }
    boost::asio::io_context io;
    sandbox::sandbox_runner runner;
    std::thread thread;
};

sandbox::sandbox_runner_options ephemeral() {
    sandbox::sandbox_runner_options o;
    o.port_base = 0;
    o.runs = 40;
    std::chrono::system_clock::time_point t;
    sandbox::parse_rfc3339("2026-11-23T12:00:00Z", t);
    o.now = t;
    return o;
}

TEST(SandboxRunner, EveryVendorInPortOrderOrReportedMissing) {
    runner_env env(ephemeral());
    auto vendors = env.runner.vendors();
    auto missing = env.runner.missing();
    EXPECT_EQ(vendors.size() + missing.size(), 5u);
    // Together they are the five names, each in port order.
    std::vector<std::string> seen;
    for (const auto& name : sandbox::sandbox_runner::vendor_names()) {
        bool built = std::any_of(vendors.begin(), vendors.end(),
                                 [&](const auto& v) { return v.name == name; });
        bool gone = std::find(missing.begin(), missing.end(), name) != missing.end();
        EXPECT_NE(built, gone) << name;
        if (built) seen.push_back(name);
    }
    ASSERT_EQ(seen.size(), vendors.size());
    for (std::size_t i = 0; i < vendors.size(); ++i) {
        EXPECT_EQ(vendors[i].name, seen[i]);
        auto r = http_client(vendors[i].port).request("GET", "/_sandbox/info");
        ASSERT_EQ(r.status, 200);
        auto info = parse_json(r.body);
        EXPECT_EQ(info.at("vendor").as_string(), vendors[i].name);
        EXPECT_EQ(info.at("base_url").as_string(), vendors[i].base_url);
        EXPECT_EQ(info.at("auth").at("header").as_string(), vendors[i].auth_header);
        EXPECT_EQ(info.at("auth").at("value").as_string(), vendors[i].auth_value);
        EXPECT_EQ(vendors[i].base_url, "http://127.0.0.1:" + std::to_string(vendors[i].port));
        EXPECT_FALSE(vendors[i].scope.empty()) << vendors[i].name;
    }
}

TEST(SandboxRunner, FixedPortsFollowTheBase) {
    sandbox::sandbox_runner_options o = ephemeral();
    o.port_base = static_cast<std::uint16_t>(free_port_base());
    runner_env env(o);
    if (env.runner.vendors().empty()) GTEST_SKIP() << "no vendor built in";
    const auto& names = sandbox::sandbox_runner::vendor_names();
    for (const auto& v : env.runner.vendors()) {
        auto idx = std::find(names.begin(), names.end(), v.name) - names.begin();
        EXPECT_EQ(v.port, o.port_base + idx + 1) << v.name;
    }
}

TEST(SandboxRunner, OneClockForAllAndFaultsPerVendor) {
    auto o = ephemeral();
    runner_env probe(o);
    auto vendors = probe.runner.vendors();
    if (vendors.size() < 2) GTEST_SKIP() << "needs two vendors built in";
    auto first = vendors[0].name;
    o.faults[first].error_rate = 1;
    runner_env env(o);
    vendors = env.runner.vendors();
    auto f0 = parse_json(http_client(vendors[0].port).request("GET", "/_sandbox/faults").body);
    auto f1 = parse_json(http_client(vendors[1].port).request("GET", "/_sandbox/faults").body);
    EXPECT_EQ(f0.at("error_rate").to_number<double>(), 1.0);
    EXPECT_EQ(f1.at("error_rate").to_number<double>(), 0.0);
    auto before = env.runner.clock()->now();
    auto r = http_client(vendors[1].port)
                 .request("POST", "/_sandbox/clock", {}, R"({"advance_ms": 86400000})");
    ASSERT_EQ(r.status, 200);
    std::chrono::system_clock::time_point seen_by_first;
    ASSERT_TRUE(sandbox::parse_rfc3339(
        parse_json(http_client(vendors[0].port).request("GET", "/_sandbox/clock").body)
            .at("now")
            .as_string(),
        seen_by_first));
    EXPECT_GE(seen_by_first - before, std::chrono::hours(24) - std::chrono::milliseconds(1));
}

boost::asio::awaitable<http::response> ready(http::response r) { co_return r; }

std::string hmac_hex(const std::string& key, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &n);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 15];
    }
    return out;
}

// The runner's wiring end to end: a triggered Zof run ends on the shared clock, the tick sends
// its signed webhook, and the real sender posts it to --webhook-url.
TEST(SandboxRunner, SignedWebhookReachesTheConfiguredUrl) {
    auto got = std::make_shared<std::promise<std::pair<std::string, std::string>>>();
    auto once = std::make_shared<std::once_flag>();
    auto routes = std::make_shared<http::router>();
    routes->add("POST", "/hooks", [got, once](http::request& req) {
        std::call_once(*once, [&] {
            got->set_value(
                {std::string(req.headers.get("X-Zof-Signature").value_or("")), req.body});
        });
        return ready(http::response::json(200, "{}"));
    });
    http::server_options so;
    so.access_log = false;
    server_harness hooks(so, routes, 1);
    auto o = ephemeral();
    o.webhook_url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/hooks";
    runner_env env(o);
    auto* zof = env.runner.find("zof");
    if (!zof) GTEST_SKIP() << "zof not built in";
    const std::string project(zof->vendor().scope().at("project_id").as_string());
    const auto port = zof->port();
    auto created = http_client(port).request(
        "POST", "/v1/runs",
        {{zof->vendor().auth_header(), zof->vendor().auth_value()},
         {"Content-Type", "application/json"}},
        R"({"project_id":")" + project + R"(","environment":"staging","test_case_ids":["tc_a"]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id(parse_json(created.body).at("id").as_string());
    ASSERT_EQ(
        http_client(port).request("POST", "/_sandbox/clock", {}, R"({"advance_ms": 60000})").status,
        200);
    auto fut = got->get_future();
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    auto [signature, body] = fut.get();
    EXPECT_EQ(signature, hmac_hex("sandbox-webhook-secret", body));
    EXPECT_NE(body.find(id), std::string::npos) << body;
}

TEST(SandboxRunner, RejectsUnknownVendorFaults) {
    auto o = ephemeral();
    o.faults["nobody"].error_rate = 1;
    boost::asio::io_context io;
    EXPECT_THROW(sandbox::sandbox_runner(io, o), std::invalid_argument);
}

}  // namespace
}  // namespace runhub::test
