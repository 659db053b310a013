// A source's health record: what each kind of call outcome does to the breaker and to the
// health shown in GET /v1/sources.
#include "connectors/common/source_health.hpp"

#include <gtest/gtest.h>

using namespace runhub;
using namespace std::chrono_literals;
using connectors::health;
using state = http::circuit_breaker::state;

namespace {
connectors::connector_error err(http::upstream_error_kind k, int status = 0) {
    connectors::connector_error e;
    e.kind = k;
    e.http_status = status;
    return e;
}
}  // namespace

TEST(SourceHealth, OutcomesMoveHealthAndCircuit) {
    connectors::source_health h({.failure_threshold = 2, .open_for = 1s});
    auto t = std::chrono::steady_clock::now();
    auto wall = std::chrono::system_clock::now();
    EXPECT_EQ(h.snapshot(t).state, health::unknown);
    ASSERT_TRUE(h.allow(t));
    h.record(nullptr, 12ms, t, wall);
    auto s = h.snapshot(t);
    EXPECT_EQ(s.state, health::ok);
    EXPECT_EQ(s.last_latency, 12ms);
    EXPECT_TRUE(s.last_success_at);
    EXPECT_FALSE(s.last_error);

    // A 4xx is the caller's problem: the vendor is up.
    auto client = err(http::upstream_error_kind::client, 404);
    h.record(&client, 5ms, t, wall);
    EXPECT_EQ(h.snapshot(t).state, health::ok);
    EXPECT_EQ(h.snapshot(t).consecutive_failures, 0);
    EXPECT_EQ(h.snapshot(t).last_error->http_status, 404);

    auto server = err(http::upstream_error_kind::server, 503);
    h.record(&server, 5ms, t, wall);
    EXPECT_EQ(h.snapshot(t).state, health::failing);
    EXPECT_EQ(h.snapshot(t).circuit, state::closed);
    // A 429 says nothing either way: no count, no change.
    auto throttled = err(http::upstream_error_kind::throttled, 429);
    h.record(&throttled, 5ms, t, wall);
    EXPECT_EQ(h.snapshot(t).consecutive_failures, 1);
    auto timeout = err(http::upstream_error_kind::timeout);
    h.record(&timeout, 900ms, t, wall);
    s = h.snapshot(t);
    EXPECT_EQ(s.state, health::down);
    EXPECT_EQ(s.circuit, state::open);
    EXPECT_EQ(s.consecutive_failures, 2);
    EXPECT_FALSE(h.allow(t + 500ms));

    // Half-open: one probe; a probe that ends neutrally (the caller left) gives its slot back.
    ASSERT_TRUE(h.allow(t + 1s));
    EXPECT_FALSE(h.allow(t + 1s));
    auto canceled = err(http::upstream_error_kind::canceled);
    h.record(&canceled, 1ms, t + 1s, wall);
    EXPECT_EQ(h.snapshot(t + 1s).circuit, state::half_open);
    ASSERT_TRUE(h.allow(t + 1s));
    h.release();  // an admitted call that was no vendor call at all
    ASSERT_TRUE(h.allow(t + 1s));
    h.record(nullptr, 3ms, t + 1s, wall);
    s = h.snapshot(t + 1s);
    EXPECT_EQ(s.state, health::ok);
    EXPECT_EQ(s.circuit, state::closed);
    EXPECT_EQ(s.consecutive_failures, 0);
}
