// The Testmo emulator behind the sandbox core: 429 with Retry-After (and no X-RateLimit
// headers, which Testmo does not document), forced outcomes and the clock via control routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/testmo/testmo_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

TEST(TestmoSandbox, RateLimitAnswers429WithRetryAfter) {
    sandbox_fixture fx(sandbox::testmo::make_testmo_emulator);
    const auto path = "/api/v1/projects/" +
                      std::to_string(fx.emulator().scope().at("project_id").as_int64()) +
                      "/automation/runs?per_page=15";
    fx.set_faults(R"({"rate_limit_per_min": 2})");
    ASSERT_EQ(fx.get(path).status, 200);
    ASSERT_EQ(fx.get(path).status, 200);
    auto r = fx.get(path);
    ASSERT_EQ(r.status, 429) << r.body;
    const auto retry_after = std::stoll(r.header("retry-after"));
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 60);
    EXPECT_EQ(r.header("x-ratelimit-limit"), "");
    EXPECT_TRUE(parse_json(r.body).at("message").is_string());
}

TEST(TestmoSandbox, ForcedOutcomeThroughControlRoutes) {
    sandbox_fixture fx(sandbox::testmo::make_testmo_emulator);
    const auto path = "/api/v1/projects/" +
                      std::to_string(fx.emulator().scope().at("project_id").as_int64()) +
                      "/automation/runs";
    for (auto [outcome, status] : {std::pair{"failed", 3}, std::pair{"passed", 2}}) {
        fx.set_faults(std::string(R"({"outcome":")") + outcome + "\"}");
        auto created =
            fx.post(path, R"({"name":"n","source":"ci"})", {{"Content-Type", "application/json"}});
        ASSERT_EQ(created.status, 201) << created.body;
        const auto id = std::to_string(parse_json(created.body).at("id").as_int64());
        fx.advance(11s);
        auto got = parse_json(fx.get("/api/v1/automation/runs/" + id).body).at("result");
        EXPECT_EQ(got.at("status"), status) << outcome;
        EXPECT_EQ(got.at("is_completed"), true);
    }
}

TEST(TestmoSandbox, InfoNamesTokenAndProject) {
    sandbox_fixture fx(sandbox::testmo::make_testmo_emulator);
    auto info = parse_json(fx.client().request("GET", "/_sandbox/info").body);
    EXPECT_EQ(info.at("vendor"), "testmo");
    EXPECT_EQ(info.at("auth").at("header"), "Authorization");
    EXPECT_TRUE(info.at("scope").at("project_id").is_int64());
}

TEST(TestmoSandbox, InjectedFaultsUseTestmoAnswers) {
    sandbox_fixture fx(sandbox::testmo::make_testmo_emulator);
    const std::string path = "/api/v1/projects/1/automation/runs?per_page=15";
    fx.set_faults(R"({"error_rate": 1})");
    auto err = fx.get(path);
    EXPECT_EQ(err.status, 500);
    EXPECT_TRUE(parse_json(err.body).at("message").is_string());
    fx.set_faults(R"({"rate_429": 1})");
    auto throttled = fx.get(path);
    EXPECT_EQ(throttled.status, 429);
    EXPECT_FALSE(throttled.header("retry-after").empty());
    fx.set_faults(R"({"malformed_rate": 1})");
    EXPECT_THROW(parse_json(fx.get(path).body), std::runtime_error);
    fx.set_faults(R"({"reset_rate": 1})");
    EXPECT_ANY_THROW(fx.get(path));
    fx.clear_faults();
    EXPECT_EQ(fx.get(path).status, 200);
}
