// One vendor behind vendor_server over real sockets: control routes, stats, rate limit, reset,
// clock and tick. The vendor is the fake emulator, so these tests depend on no real vendor.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_emulator.hpp"
#include "sandbox/core/port_state.hpp"
#include "sandbox/core/seeded_data.hpp"
#include "sandbox_fixture.hpp"

namespace runhub::test {
namespace {

namespace json = boost::json;

fake_emulator& fake(sandbox_fixture& fx) { return dynamic_cast<fake_emulator&>(fx.emulator()); }

TEST(VendorServer, InfoNamesBaseUrlCredentialAndScopeWithoutAuth) {
    sandbox_fixture fx(make_fake_emulator);
    EXPECT_EQ(fx.base_url(), "http://127.0.0.1:" + std::to_string(fx.port()));
    EXPECT_EQ(fake(fx).options().base_url, fx.base_url());  // known before routes were added
    auto r = fx.client().request("GET", "/_sandbox/info");
    ASSERT_EQ(r.status, 200) << r.body;
    auto info = parse_json(r.body);
    EXPECT_EQ(info.at("vendor").as_string(), "fake");
    EXPECT_EQ(info.at("base_url").as_string(), fx.base_url());
    EXPECT_EQ(info.at("auth").at("header").as_string(), "x-fake-key");
    EXPECT_EQ(info.at("auth").at("value").as_string(), "k1");
    EXPECT_EQ(info.at("scope").at("project_id").as_string(), "p1");
}

TEST(VendorServer, VendorRoutesKeepTheirOwnAuth) {
    sandbox_fixture fx(make_fake_emulator);
    EXPECT_EQ(fx.client().request("GET", "/fake/runs").status, 401);
    EXPECT_EQ(fx.get("/fake/runs").status, 200);
}

TEST(VendorServer, StatsCountVendorRoutesByPatternNotControlRoutes) {
    sandbox_fixture fx(make_fake_emulator);
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(fx.get("/fake/runs?page=" + std::to_string(i)).status, 200);
    ASSERT_EQ(fx.get("/fake/runs/7").status, 200);
    ASSERT_EQ(fx.get("/fake/runs/8").status, 200);
    ASSERT_EQ(fx.post("/fake/runs", "{}").status, 201);
    EXPECT_EQ(fx.client().request("GET", "/fake/runs").status, 401);  // counted too
    fx.client().request("GET", "/_sandbox/info");
    auto s = fx.stats();
    EXPECT_EQ(s.at("total").to_number<int>(), 7);
    const auto& by = s.at("by_route").as_object();
    EXPECT_EQ(by.at("GET /fake/runs").to_number<int>(), 4);
    EXPECT_EQ(by.at("GET /fake/runs/{id}").to_number<int>(), 2);
    EXPECT_EQ(by.at("POST /fake/runs").to_number<int>(), 1);
    EXPECT_EQ(by.size(), 3u);
    const auto& recent = s.at("recent").as_array();
    ASSERT_EQ(recent.size(), 7u);
    EXPECT_EQ(recent[3].at("path").as_string(), "/fake/runs/7");
    EXPECT_EQ(recent[5].at("method").as_string(), "POST");
    EXPECT_EQ(recent[5].at("status").to_number<int>(), 201);
    EXPECT_EQ(recent[6].at("status").to_number<int>(), 401);
    const auto now_ms = sandbox::unix_millis(std::chrono::system_clock::now());
    for (const auto& r : recent) {
        auto start = r.at("start_ms").to_number<std::int64_t>();
        auto end = r.at("end_ms").to_number<std::int64_t>();
        EXPECT_LE(start, end);
        EXPECT_NEAR(static_cast<double>(start), static_cast<double>(now_ms), 60'000);  // real clock
    }
}

TEST(VendorServer, FaultsRouteValidatesAndReplaces) {
    sandbox_fixture fx(make_fake_emulator);
    auto c = fx.client();
    struct row {
        const char* body;
        int status;
    };
    const row rows[] = {
        {R"({"bogus": 1})", 400},
        {R"({"error_rate": 2})", 400},
        {R"({"outcome": "maybe"})", 400},
        {"not json", 400},
        {"[]", 400},
        {R"({"latency_ms": -5})", 400},
        {R"({"jitter_ms": 5, "outcome": "failed"})", 200},
    };
    for (const auto& r : rows) {
        auto a =
            c.request("POST", "/_sandbox/faults", {{"Content-Type", "application/json"}}, r.body);
        EXPECT_EQ(a.status, r.status) << r.body << " -> " << a.body;
        if (a.status == 400) {
            EXPECT_TRUE(parse_json(a.body).at("error").is_object()) << a.body;
        }
    }
    auto now = parse_json(c.request("GET", "/_sandbox/faults").body);
    EXPECT_EQ(now.at("jitter_ms").to_number<int>(), 5);
    EXPECT_EQ(now.at("outcome").as_string(), "failed");
    EXPECT_EQ(fx.emulator().forced_outcome(), "failed");
    // A later POST replaces, it does not merge; {} clears.
    fx.set_faults(R"({"error_rate": 0.5})");
    now = parse_json(c.request("GET", "/_sandbox/faults").body);
    EXPECT_EQ(now.at("jitter_ms").to_number<int>(), 0);
    EXPECT_EQ(now.at("error_rate").to_number<double>(), 0.5);
    EXPECT_EQ(fx.emulator().forced_outcome(), "");
    fx.clear_faults();
    now = parse_json(c.request("GET", "/_sandbox/faults").body);
    EXPECT_EQ(now.at("error_rate").to_number<double>(), 0);
}

TEST(VendorServer, RateLimitPerMinuteOnTheSandboxClock) {
    sandbox_fixture_options o;
    o.now = "2026-11-23T12:00:00Z";
    sandbox_fixture fx(make_fake_emulator, o);
    fx.set_faults(R"({"rate_limit_per_min": 3})");
    for (int i = 0; i < 3; ++i) ASSERT_EQ(fx.get("/fake/runs").status, 200) << i;
    auto r = fx.get("/fake/runs/1");
    ASSERT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.header("x-limit"), "3");
    EXPECT_EQ(r.header("x-remaining"), "0");
    EXPECT_EQ(r.header("x-reset-unix"),
              std::to_string(sandbox::unix_seconds(fx.start_time()) + 60));
    auto reset_in = std::stoi(r.header("x-reset-in"));
    EXPECT_GE(reset_in, 1);
    EXPECT_LE(reset_in, 60);
    EXPECT_EQ(parse_json(r.body).at("message").as_string(), "slow down");  // the vendor's body
    // Control routes are never limited.
    EXPECT_EQ(fx.client().request("GET", "/_sandbox/info").status, 200);
    fx.advance(std::chrono::seconds(60));
    EXPECT_EQ(fx.get("/fake/runs").status, 200);
    auto s = fx.stats();
    EXPECT_EQ(s.at("recent").as_array()[3].at("status").to_number<int>(), 429);
}

TEST(VendorServer, ResetClearsStatsFaultsWindowAndCallsTheEmulator) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"rate_limit_per_min": 1, "outcome": "error"})");
    ASSERT_EQ(fx.get("/fake/runs").status, 200);
    ASSERT_EQ(fx.get("/fake/runs").status, 429);
    fx.reset();
    EXPECT_EQ(fake(fx).resets.load(), 1);
    EXPECT_EQ(fx.emulator().forced_outcome(), "");
    EXPECT_EQ(fx.stats().at("total").to_number<int>(), 0);
    auto f = parse_json(fx.client().request("GET", "/_sandbox/faults").body);
    EXPECT_EQ(f.at("rate_limit_per_min").to_number<int>(), 0);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(fx.get("/fake/runs").status, 200);
}

TEST(VendorServer, ClockAdvancesOnlyForward) {
    sandbox_fixture fx(make_fake_emulator);
    auto c = fx.client();
    auto before = fx.clock()->now();
    auto r = c.request("POST", "/_sandbox/clock", {}, R"({"advance_ms": 3600000})");
    ASSERT_EQ(r.status, 200) << r.body;
    std::chrono::system_clock::time_point reported;
    ASSERT_TRUE(sandbox::parse_rfc3339(parse_json(r.body).at("now").as_string(), reported));
    // "now" is printed to the millisecond.
    EXPECT_GE(reported - before, std::chrono::hours(1) - std::chrono::milliseconds(1));
    EXPECT_LT(reported - before, std::chrono::hours(1) + std::chrono::seconds(30));
    for (const char* bad : {R"({"advance_ms": -1})", R"({"advance_ms": "5"})", "{}", "x",
                            R"({"advance_ms": 1, "more": 2})"})
        EXPECT_EQ(c.request("POST", "/_sandbox/clock", {}, bad).status, 400) << bad;
}

TEST(VendorServer, TicksTheEmulator) {
    sandbox_fixture_options o;
    o.server.tick_every = std::chrono::milliseconds(5);
    sandbox_fixture fx(make_fake_emulator, o);
    // Polls a condition under a deadline; the tick period is what is being tested.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (fake(fx).ticks.load() < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_GE(fake(fx).ticks.load(), 3);
}

TEST(VendorServer, InitialFaultsFromOptions) {
    sandbox_fixture_options o;
    o.server.faults.error_rate = 1;
    o.server.faults.outcome = "canceled";
    sandbox_fixture fx(make_fake_emulator, o);
    EXPECT_EQ(fx.get("/fake/runs").status, 503);
    EXPECT_EQ(fx.emulator().forced_outcome(), "canceled");
}

}  // namespace
}  // namespace runhub::test
