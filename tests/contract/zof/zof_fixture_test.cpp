// The Zof emulator behind the sandbox core (vendor_server): 429 answers with Zof's rate-limit
// headers, forced outcomes and the clock through the control routes, /_sandbox/info.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/zof/zof_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

TEST(ZofSandbox, RateLimitAnswers429WithXRateLimitHeadersAndRetryAfter) {
    sandbox_fixture fx(sandbox::zof::make_zof_emulator);
    fx.set_faults(R"({"rate_limit_per_min": 3})");
    for (int i = 0; i < 3; ++i) ASSERT_EQ(fx.get("/v1/runs?limit=1").status, 200) << i;
    auto r = fx.get("/v1/runs?limit=1");
    ASSERT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
    const auto now_unix = sandbox::unix_seconds(fx.clock()->now());
    const auto reset = std::stoll(r.header("x-ratelimit-reset"));
    EXPECT_GT(reset, now_unix - 1);
    EXPECT_LE(reset, now_unix + 61);
    const auto retry_after = std::stoll(r.header("retry-after"));
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 60);
    EXPECT_NEAR(static_cast<double>(reset - now_unix), static_cast<double>(retry_after), 2.0);
    auto e = parse_json(r.body).at("error");
    EXPECT_EQ(e.at("code"), "rate_limit_exceeded");
    fx.clear_faults();
    EXPECT_EQ(fx.get("/v1/runs?limit=1").status, 200);
}

TEST(ZofSandbox, ForcedOutcomeAndClockThroughControlRoutes) {
    sandbox_fixture fx(sandbox::zof::make_zof_emulator);
    const std::string project(fx.emulator().scope().at("project_id").as_string());
    const std::string body = R"({"project_id":")" + project +
                             R"(","environment":"staging","test_case_ids":["tc_a","tc_b"]})";
    for (const char* outcome : {"error", "canceled", "passed", "failed"}) {
        fx.set_faults(std::string(R"({"outcome":")") + outcome + "\"}");
        auto created = fx.post("/v1/runs", body, {{"Content-Type", "application/json"}});
        ASSERT_EQ(created.status, 201) << created.body;
        const std::string id(parse_json(created.body).at("id").as_string());
        fx.advance(3s);
        EXPECT_EQ(parse_json(fx.get("/v1/runs/" + id).body).at("status"), "running");
        fx.advance(8s);
        EXPECT_EQ(parse_json(fx.get("/v1/runs/" + id).body).at("status"), outcome);
    }
}

TEST(ZofSandbox, InfoNamesTheCredentialAndScope) {
    sandbox_fixture fx(sandbox::zof::make_zof_emulator);
    auto info = parse_json(fx.client().request("GET", "/_sandbox/info").body);
    EXPECT_EQ(info.at("vendor"), "zof");
    EXPECT_EQ(info.at("auth").at("header"), "Authorization");
    const std::string value(info.at("auth").at("value").as_string());
    EXPECT_EQ(value.rfind("Bearer zof_sk_sandbox_", 0), 0u) << value;
    EXPECT_TRUE(info.at("scope").at("project_id").is_string());
    auto ok = fx.client().request("GET", "/v1/runs", {{"Authorization", value}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(fx.stats().at("by_route").at("GET /v1/runs").as_int64(), 1);
}

TEST(ZofSandbox, InjectedFaultsUseZofAnswers) {
    sandbox_fixture fx(sandbox::zof::make_zof_emulator);
    fx.set_faults(R"({"error_rate": 1})");
    auto err = fx.get("/v1/runs");
    EXPECT_EQ(err.status, 500);
    EXPECT_EQ(parse_json(err.body).at("error").at("code"), "internal_error");
    fx.set_faults(R"({"rate_429": 1})");
    auto throttled = fx.get("/v1/runs");
    EXPECT_EQ(throttled.status, 429);
    EXPECT_FALSE(throttled.header("x-ratelimit-reset").empty());
    EXPECT_FALSE(throttled.header("retry-after").empty());
    fx.set_faults(R"({"malformed_rate": 1})");
    auto bad = fx.get("/v1/runs");
    EXPECT_EQ(bad.status, 200);
    EXPECT_THROW(parse_json(bad.body), std::runtime_error);
    fx.set_faults(R"({"reset_rate": 1})");
    EXPECT_ANY_THROW(fx.get("/v1/runs"));
    fx.set_faults(R"({"hang_rate": 1})");
    EXPECT_ANY_THROW(fx.client().request("GET", "/v1/runs", fx.auth(), "", 300ms));
    fx.clear_faults();
    EXPECT_EQ(fx.get("/v1/runs").status, 200);
}
