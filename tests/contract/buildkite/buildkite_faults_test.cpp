// Every injected fault on a Buildkite Test Engine route, through the sandbox core: the vendor's own
// 5xx and 429 bodies, and resets, malformed and truncated bodies, hangs and latency on its routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/buildkite/buildkite_emulator.hpp"
#include "sandbox_fixture.hpp"

using namespace runhub;
using namespace runhub::test;
using namespace std::chrono_literals;

namespace {

const std::string route = "/v2/analytics/organizations/acme/suites/storefront-e2e/runs?per_page=1";

sandbox_fixture make_fixture() {
    return sandbox_fixture(sandbox::buildkite::make_buildkite_emulator);
}

}  // namespace

TEST(BuildkiteFaults, ServerErrorAndInjected429UseTheVendorsBodies) {
    auto fx = make_fixture();
    fx.set_faults(R"({"error_rate": 1})");
    auto e = fx.get(route);
    EXPECT_EQ(e.status, 500);
    EXPECT_TRUE(parse_json(e.body).at("message").is_string());
    fx.set_faults(R"({"rate_429": 1})");
    auto r = fx.get(route);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(parse_json(r.body).at("scope"), "rest");
    EXPECT_EQ(r.header("ratelimit-remaining"), "0");
    EXPECT_FALSE(r.header("ratelimit-limit").empty());
    const int reset = std::stoi(r.header("ratelimit-reset"));
    EXPECT_GE(reset, 1);
    EXPECT_LE(reset, 60);
    fx.clear_faults();
    EXPECT_EQ(fx.get(route).status, 200);
}

TEST(BuildkiteFaults, MalformedTruncatedResetHangAndLatency) {
    auto fx = make_fixture();
    fx.set_faults(R"({"malformed_rate": 1})");
    auto m = fx.get(route);
    EXPECT_EQ(m.status, 200);
    boost::system::error_code ec;
    boost::json::parse(m.body, ec);
    EXPECT_TRUE(ec) << m.body;
    for (auto fault : {R"({"truncate_rate": 1})", R"({"reset_rate": 1})", R"({"hang_rate": 1})"}) {
        fx.set_faults(fault);
        auto c = fx.client();
        EXPECT_THROW(c.request("GET", route, fx.auth(), "", 500ms), std::runtime_error) << fault;
    }
    fx.set_faults(R"({"latency_ms": 300})");
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(fx.get(route).status, 200);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
}
