// The outbound token bucket: refill, waits within the deadline, refusals past it, and the
// vendor's remaining-budget headers.
#include "http/rate_budget.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "connectors/registry.hpp"

using namespace runhub::http;
using namespace std::chrono_literals;

TEST(RateBudget, UnlimitedNeverWaits) {
    auto t = rate_budget::clock::now();
    rate_budget b({}, t);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(b.reserve(t, t), 0ms);
}

TEST(RateBudget, BurstThenOneCallPerIntervalAndRefusalPastTheDeadline) {
    auto t = rate_budget::clock::now();
    rate_budget b({.per_minute = 60, .burst = 3}, t);  // one a second
    for (int i = 0; i < 3; ++i) EXPECT_EQ(b.reserve(t, t + 10s), 0ms);
    // The next calls queue: each waits one more second.
    EXPECT_EQ(b.reserve(t, t + 10s), 1000ms);
    EXPECT_EQ(b.reserve(t, t + 10s), 2000ms);
    // A call that must start within 2.5 s cannot have the third token: refused, nothing taken.
    EXPECT_EQ(b.reserve(t, t + 2500ms), std::nullopt);
    EXPECT_EQ(b.reserve(t, t + 10s), 3000ms);
    auto s = b.snapshot(t);
    EXPECT_EQ(s.waits, 3u);
    EXPECT_EQ(s.refusals, 1u);
    EXPECT_DOUBLE_EQ(s.tokens, -3.0);
    // Time refills up to the burst, no further.
    EXPECT_DOUBLE_EQ(b.snapshot(t + 60s).tokens, 3.0);
    EXPECT_EQ(b.reserve(t + 60s, t + 60s), 0ms);
}

TEST(RateBudget, TheVendorsRemainingCountLowersTheBucket) {
    auto t = rate_budget::clock::now();
    auto wall = std::chrono::system_clock::now();
    rate_budget b({.per_minute = 600}, t);  // ten a second, bucket of 600
    header_fields h;
    h.set("RateLimit-Remaining", "2");
    h.set("RateLimit-Reset", "30");
    b.observe(h, t, wall);
    EXPECT_EQ(b.reserve(t, t), 0ms);
    EXPECT_EQ(b.reserve(t, t), 0ms);
    EXPECT_EQ(b.reserve(t, t), std::nullopt);  // the vendor said two
    EXPECT_EQ(b.reserve(t, t + 1s), 100ms);
    // A higher count never raises it (our own reservations may not be counted there yet).
    h.set("RateLimit-Remaining", "500");
    b.observe(h, t, wall);
    EXPECT_LT(b.snapshot(t).tokens, 0.0);
}

TEST(RateBudget, AVendorAtZeroGetsNoCallBeforeItsReset) {
    auto t = rate_budget::clock::now();
    auto wall = std::chrono::system_clock::now();
    rate_budget b({.per_minute = 6000}, t);
    header_fields h;
    h.set("X-RateLimit-Remaining", "0");
    h.set("X-RateLimit-Reset",
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>((wall + 20s).time_since_epoch())
                  .count()));  // Unix time, as Zof sends it
    b.observe(h, t, wall);
    EXPECT_EQ(b.reserve(t, t + 10s), std::nullopt);
    auto w = b.reserve(t, t + 30s);
    ASSERT_TRUE(w);
    EXPECT_GE(*w, 19s);
    EXPECT_LE(*w, 21s);
}

// The documented quotas are per minute, counted in windows runhub cannot see: with the default
// budgets, a demand of several times the quota, sustained, gets no more calls than the quota
// in any 60-second window (the first one included, when the bucket starts full).
TEST(RateBudget, DefaultBudgetsKeepEverySixtySecondWindowWithinTheQuota) {
    for (auto [vendor, quota] : {std::pair<const char*, int>{"buildkite", 200}, {"zof", 100}}) {
        auto o = runhub::connectors::default_budget(vendor);
        ASSERT_GT(o.per_minute, 0) << vendor;
        auto t0 = rate_budget::clock::now();
        rate_budget b(o, t0);
        std::vector<std::chrono::milliseconds> sent;  // since t0
        for (auto at = 0ms; at < 300s; at += 50ms)    // 1200 calls a minute offered
            if (b.reserve(t0 + at, t0 + at) == 0ms) sent.push_back(at);
        std::size_t most = 0;
        for (std::size_t first = 0, last = 0; first < sent.size(); ++first) {
            while (last < sent.size() && sent[last] < sent[first] + 60s) ++last;
            most = std::max(most, last - first);
        }
        EXPECT_LT(most, static_cast<std::size_t>(quota)) << vendor;  // under it, with a margin
        EXPECT_GE(most, static_cast<std::size_t>(quota * 9 / 10)) << vendor << ": budget unused";
    }
}
