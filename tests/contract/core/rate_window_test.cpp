// The fixed one-minute budget and the request stats, without sockets.
#include "sandbox/core/rate_window.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/core/request_stats.hpp"
#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox {
namespace {

std::chrono::system_clock::time_point at(const char* text) {
    std::chrono::system_clock::time_point t;
    EXPECT_TRUE(parse_rfc3339(text, t)) << text;
    return t;
}

TEST(RateWindow, ZeroLimitNeverLimits) {
    rate_window w;
    for (int i = 0; i < 1000; ++i) EXPECT_FALSE(w.admit(at("2026-11-23T12:00:00Z"), 0));
}

TEST(RateWindow, BudgetPerWholeMinute) {
    rate_window w;
    EXPECT_FALSE(w.admit(at("2026-11-23T12:00:10Z"), 2));
    EXPECT_FALSE(w.admit(at("2026-11-23T12:00:20Z"), 2));
    auto over = w.admit(at("2026-11-23T12:00:45.500Z"), 2);
    ASSERT_TRUE(over);
    EXPECT_EQ(over->limit_per_min, 2);
    EXPECT_EQ(over->remaining, 0);
    EXPECT_EQ(over->reset_in.count(), 15);  // 14.5 s rounded up
    EXPECT_EQ(over->reset_unix, unix_seconds(at("2026-11-23T12:01:00Z")));
    EXPECT_TRUE(w.admit(at("2026-11-23T12:00:59.999Z"), 2));
    // The next minute gives the budget back.
    EXPECT_FALSE(w.admit(at("2026-11-23T12:01:00Z"), 2));
    EXPECT_FALSE(w.admit(at("2026-11-23T12:01:01Z"), 2));
    EXPECT_TRUE(w.admit(at("2026-11-23T12:01:02Z"), 2));
    w.clear();
    EXPECT_FALSE(w.admit(at("2026-11-23T12:01:03Z"), 2));
}

TEST(RateWindow, StateAtTheLastMillisecond) {
    auto s = window_state(at("2026-11-23T12:00:59.999Z"), 10, 3);
    EXPECT_EQ(s.reset_in.count(), 1);
    EXPECT_EQ(s.remaining, 3);
    EXPECT_EQ(s.limit_per_min, 10);
    EXPECT_EQ(window_state(at("2026-11-23T12:00:00Z"), 10, 0).reset_in.count(), 60);
}

TEST(RequestStats, CountsByRouteAndKeepsTheLastN) {
    request_stats s(3);
    for (int i = 0; i < 5; ++i)
        s.record("GET /v1/runs", {"GET", "/v1/runs", 200, 1000 + i, 1001 + i});
    s.record("POST /v1/runs", {"POST", "/v1/runs", 201, 2000, 2005});
    auto j = s.to_json();
    EXPECT_EQ(j.at("total").to_number<int>(), 6);
    EXPECT_EQ(j.at("by_route").at("GET /v1/runs").to_number<int>(), 5);
    EXPECT_EQ(j.at("by_route").at("POST /v1/runs").to_number<int>(), 1);
    const auto& recent = j.at("recent").as_array();
    ASSERT_EQ(recent.size(), 3u);
    EXPECT_EQ(recent[0].at("start_ms").to_number<int>(), 1003);  // oldest kept, in order
    EXPECT_EQ(recent[2].at("method").as_string(), "POST");
    EXPECT_EQ(recent[2].at("status").to_number<int>(), 201);
    EXPECT_EQ(recent[2].at("end_ms").to_number<int>(), 2005);
    s.clear();
    EXPECT_EQ(s.total(), 0u);
    EXPECT_TRUE(s.to_json().at("recent").as_array().empty());
}

TEST(RequestStats, DefaultKeepsOneThousand) {
    request_stats s;
    for (int i = 0; i < 1005; ++i) s.record("GET /x", {"GET", "/x", 200, i, i});
    auto j = s.to_json();
    EXPECT_EQ(j.at("recent").as_array().size(), 1000u);
    EXPECT_EQ(j.at("total").to_number<int>(), 1005);
}

}  // namespace
}  // namespace runhub::sandbox
