#include "http/retry_policy.hpp"

#include <gtest/gtest.h>

#include "http/circuit_breaker.hpp"
#include "http/client.hpp"
#include "http/upstream_error.hpp"

using namespace runhub::http;
using namespace std::chrono_literals;
using sclock = std::chrono::steady_clock;

TEST(UpstreamError, StatusKinds) {
    EXPECT_EQ(classify_status(200), upstream_error_kind::none);
    EXPECT_EQ(classify_status(304), upstream_error_kind::none);
    EXPECT_EQ(classify_status(400), upstream_error_kind::client);
    EXPECT_EQ(classify_status(404), upstream_error_kind::client);
    EXPECT_EQ(classify_status(408), upstream_error_kind::server);
    EXPECT_EQ(classify_status(429), upstream_error_kind::throttled);
    EXPECT_EQ(classify_status(500), upstream_error_kind::server);
    EXPECT_EQ(classify_status(503), upstream_error_kind::server);
    EXPECT_TRUE(retryable(upstream_error_kind::throttled));
    EXPECT_TRUE(retryable(upstream_error_kind::network));
    EXPECT_FALSE(retryable(upstream_error_kind::client));
    EXPECT_FALSE(retryable(upstream_error_kind::timeout));
    EXPECT_FALSE(counts_as_failure(upstream_error_kind::client));
    EXPECT_TRUE(counts_as_failure(upstream_error_kind::malformed));
}

TEST(UpstreamError, RetryAfter) {
    auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37
    EXPECT_EQ(parse_retry_after("120", now), 120'000ms);
    EXPECT_EQ(parse_retry_after(" 0 ", now), 0ms);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), 10'000ms);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now), 0ms);  // past
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("12abc", now));
}

TEST(UpstreamError, WaitHintHeaders) {
    auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
    client_response r;
    EXPECT_FALSE(wait_hint(r, now));
    r.headers.add("RateLimit-Reset", "7");  // Buildkite: seconds
    EXPECT_EQ(wait_hint(r, now), 7000ms);
    client_response z;
    z.headers.add("X-RateLimit-Reset", "1800000003");  // Zof: Unix time
    EXPECT_EQ(wait_hint(z, now), 3000ms);
    z.headers.add("Retry-After", "2");  // Retry-After wins
    EXPECT_EQ(wait_hint(z, now), 2000ms);
}

TEST(RetryPolicy, FullJitterGrowsAndIsCapped) {
    retry_policy p{.max_attempts = 6, .base = 100ms, .cap = 300ms};
    auto now = sclock::now();
    retry_state s(p, now + 1h, [] { return 0.999; });
    EXPECT_EQ(s.next_delay(upstream_error_kind::server, {}, now), 99ms);   // < 100
    EXPECT_EQ(s.next_delay(upstream_error_kind::server, {}, now), 199ms);  // < 200
    EXPECT_EQ(s.next_delay(upstream_error_kind::server, {}, now), 299ms);  // capped at 300
    EXPECT_EQ(s.next_delay(upstream_error_kind::network, {}, now), 299ms);
    EXPECT_EQ(s.next_delay(upstream_error_kind::network, {}, now), 299ms);
    EXPECT_FALSE(s.next_delay(upstream_error_kind::network, {}, now));  // 6 attempts used
    EXPECT_EQ(s.attempts_made(), 6);
}

TEST(RetryPolicy, ZeroJitterRetriesAtOnce) {
    auto now = sclock::now();
    retry_state s({}, now + 1h, [] { return 0.0; });
    EXPECT_EQ(s.next_delay(upstream_error_kind::server, {}, now), 0ms);
}

TEST(RetryPolicy, NeverRetriesClientErrorsOrTimeouts) {
    auto now = sclock::now();
    retry_state s({}, now + 1h, [] { return 0.5; });
    EXPECT_FALSE(s.next_delay(upstream_error_kind::client, {}, now));
    EXPECT_FALSE(s.next_delay(upstream_error_kind::timeout, {}, now));
    EXPECT_FALSE(s.next_delay(upstream_error_kind::tls, {}, now));
}

TEST(RetryPolicy, VendorHintWinsButNotPastTheDeadline) {
    auto now = sclock::now();
    retry_state s({}, now + 5s, [] { return 0.5; });
    EXPECT_EQ(s.next_delay(upstream_error_kind::throttled, 1500ms, now), 1500ms);
    EXPECT_FALSE(s.next_delay(upstream_error_kind::throttled, 5s, now));  // would pass deadline
}

TEST(CircuitBreaker, OpensHalfOpensAndCloses) {
    circuit_breaker b({.failure_threshold = 3, .open_for = 10s});
    auto t = sclock::time_point{} + 1h;
    EXPECT_TRUE(b.allow(t));
    b.record_failure(t);
    b.record_failure(t);
    EXPECT_EQ(b.current(t), circuit_breaker::state::closed);
    b.record_success();  // resets the count
    b.record_failure(t);
    b.record_failure(t);
    EXPECT_EQ(b.current(t), circuit_breaker::state::closed);
    b.record_failure(t);
    EXPECT_EQ(b.current(t), circuit_breaker::state::open);
    EXPECT_FALSE(b.allow(t + 9s));
    EXPECT_EQ(b.current(t + 10s), circuit_breaker::state::half_open);
    EXPECT_TRUE(b.allow(t + 10s));   // the one probe
    EXPECT_FALSE(b.allow(t + 10s));  // no second probe while it runs
    b.record_failure(t + 11s);       // probe failed: open again
    EXPECT_EQ(b.current(t + 12s), circuit_breaker::state::open);
    EXPECT_TRUE(b.allow(t + 21s));
    b.record_success();
    EXPECT_EQ(b.current(t + 21s), circuit_breaker::state::closed);
    EXPECT_TRUE(b.allow(t + 21s));
}
